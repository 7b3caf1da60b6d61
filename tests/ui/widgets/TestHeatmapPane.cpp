#include "data/ImageFolder.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "widgets/HeatmapPane.h"

#include <QDialog>
#include <QDir>
#include <QLabel>
#include <QScrollArea>
#include <QSignalSpy>
#include <QtTest>

namespace {
// 3 probe faces and two snapshots of K = 4 maps on a 2 x 2 grid
std::filesystem::path makeRun(const TempDir& dir) {
    testimages::writeFolder(dir / "faces", 5, 48);
    const auto run = fra::RunDirectory::create(dir / "run", {});
    fra::ProbeSet::create(fra::ImageFolder(dir / "faces"), run, 3, 32, 8);
    for (std::int64_t step : {0, 10}) {
        std::vector<float> maps(3 * 4 * 2 * 2, 0.25f);
        if (step == 10)
            for (int p = 0; p < 3; ++p)
                for (int k = 0; k < 4; ++k)
                    for (int i = 0; i < 4; ++i) maps[(p * 4 + k) * 4 + i] = i == k ? 0.97f : 0.01f;  // region k owns pixel k
        fra::writeNpy(run.heatmapPath(step), {3, 4, 2, 2}, maps.data());
        run.appendHeatmapIndex(step, run.heatmapPath(step), {3, 4, 2, 2});
    }
    return dir / "run";
}
}  // namespace

class TestHeatmapPane : public QObject {
    Q_OBJECT
private slots:
    // The tiles follow the space the pane has, the argmax view names its colours, and a
    // double-click opens one face with a panel per region.
    void tilesScaleLegendAndEnlargedFace() {
        TempDir dir;
        const QString run = QString::fromStdString(makeRun(dir).string());
        QScrollArea area;
        auto* pane = new fraui::HeatmapPane;
        area.setWidget(pane);
        area.setWidgetResizable(true);
        area.resize(1280, 700);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        pane->setRun(run);
        QTRY_VERIFY(pane->tileSide() >= 280);  // 3 faces in one row of a 1280 px pane
        const int wide = pane->tileSide();
        QCOMPARE(pane->renderFace(0).width(), wide);
        area.resize(640, 400);
        QTRY_VERIFY(pane->tileSide() < wide);
        QVERIFY(pane->tileSide() >= 96);

        auto* legend = pane->findChild<QWidget*>("regionLegend");
        QVERIFY(legend);
        QVERIFY(!legend->isVisible());
        pane->setMode(fraui::HeatmapMode::Argmax);
        QVERIFY(legend->isVisible());
        QCOMPARE(legend->findChildren<QLabel*>().size(), 4);
        QDir().mkpath(FRA_TEST_ARTIFACTS);
        QTest::qWait(50);  // the layout places the legend
        area.grab().save(FRA_TEST_ARTIFACTS "/heatmap-pane-argmax.png");  // to look at

        auto* tile = pane->findChild<QLabel*>("face1");
        QVERIFY(tile);
        QTest::mouseDClick(tile, Qt::LeftButton);
        QDialog* enlarged = nullptr;
        QTRY_VERIFY((enlarged = pane->findChild<QDialog*>("enlargedFace")) != nullptr);
        auto* panels = enlarged->findChild<QLabel*>("enlargedPanels");
        QVERIFY(panels && panels->pixmap().width() > 4 * 96);  // face + 4 region panels side by side
        enlarged->grab().save(FRA_TEST_ARTIFACTS "/heatmap-pane-enlarged.png");
        enlarged->close();
    }

    void showsRegionsStepsOpacityAndToggles() {
        TempDir dir;
        const QString run = QString::fromStdString(makeRun(dir).string());
        fraui::HeatmapPane pane;
        QSignalSpy regions(&pane, &fraui::HeatmapPane::regionsChanged);
        pane.setRun(run);
        QCOMPARE(pane.faces().size(), 3);
        QCOMPARE(pane.steps(), (QVector<qint64>{0, 10}));
        QCOMPARE(pane.currentStep(), qint64(10));  // the newest snapshot first
        QCOMPARE(pane.regions(), 4);
        QCOMPARE(regions.count(), 1);
        pane.showStep(7);
        QCOMPARE(pane.currentStep(), qint64(0));  // exact step entry: the snapshot at or before it
        pane.showStep(10);

        pane.setOpacity(0.0);
        const QImage plain = pane.renderFace(0);
        pane.setOpacity(1.0);
        const QImage tinted = pane.renderFace(0);
        QVERIFY(plain != tinted);
        pane.setVisibleRegions({false, false, false, false});
        QCOMPARE(pane.renderFace(0), plain);  // every region hidden: the face alone

        pane.setVisibleRegions({true, true, true, true});
        pane.setOpacity(0.5);
        const QImage soft = pane.renderFace(0);
        pane.setContrast(20.0);  // display-only sharpening of the weights
        QVERIFY(pane.renderFace(0) != soft);
        pane.setContrast(1.0);
        QCOMPARE(pane.renderFace(0), soft);
        pane.setMode(fraui::HeatmapMode::Argmax);
        const QImage argmax = pane.renderFace(0);
        // the top-left quarter belongs to region 1 (palette colour 0), the bottom-right to region 4
        QVERIFY(argmax.pixelColor(5, 5) != argmax.pixelColor(argmax.width() - 5, argmax.height() - 5));
        pane.setMode(fraui::HeatmapMode::Panels);
        QVERIFY(pane.renderFace(0).width() > 4 * pane.renderFace(0).height());  // image, overlay, argmax, 4 panels
    }
};

QTEST_MAIN(TestHeatmapPane)
#include "TestHeatmapPane.moc"
