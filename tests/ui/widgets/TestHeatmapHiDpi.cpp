// The heatmaps on a HiDPI screen: tiles rendered at the device pixel ratio, not scaled up.
#include "data/ImageFolder.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "widgets/HeatmapPane.h"

#include <QDialog>
#include <QLabel>
#include <QScrollArea>
#include <QtTest>

class TestHeatmapHiDpi : public QObject {
    Q_OBJECT
public:
    static void initMain() { qputenv("QT_SCALE_FACTOR", "2"); }

private slots:
    void tilesHaveTwiceTheirLogicalPixels() {
        TempDir dir;
        testimages::writeFolder(dir / "faces", 3, 48);
        const auto run = fra::RunDirectory::create(dir / "run", {});
        fra::ProbeSet::create(fra::ImageFolder(dir / "faces"), run, 2, 32, 8);
        std::vector<float> maps(2 * 4 * 2 * 2, 0.01f);
        for (int p = 0; p < 2; ++p)
            for (int k = 0; k < 4; ++k) maps[(p * 4 + k) * 4 + k] = 0.97f;
        fra::writeNpy(run.heatmapPath(5), {2, 4, 2, 2}, maps.data());
        run.appendHeatmapIndex(5, run.heatmapPath(5), {2, 4, 2, 2});

        QScrollArea area;
        auto* pane = new fraui::HeatmapPane;
        area.setWidget(pane);
        area.setWidgetResizable(true);
        area.resize(700, 500);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        QCOMPARE(pane->devicePixelRatioF(), 2.0);
        pane->setRun(QString::fromStdString((dir / "run").string()));
        pane->setMode(fraui::HeatmapMode::Argmax);
        auto* tile = pane->findChild<QLabel*>("face0");
        QVERIFY(tile);
        const QPixmap pixmap = tile->pixmap();
        QCOMPARE(pixmap.devicePixelRatio(), 2.0);
        QCOMPARE(pixmap.width(), 2 * pane->tileSide());
        QCOMPARE(pixmap.deviceIndependentSize().toSize(), QSize(pane->tileSide(), pane->tileSide()));
        QCOMPARE(pane->renderFace(0).width(), pane->tileSide());  // the logical rendering keeps its size

        QTest::mouseDClick(tile, Qt::LeftButton);
        QDialog* enlarged = nullptr;
        QTRY_VERIFY((enlarged = pane->findChild<QDialog*>("enlargedFace")) != nullptr);
        const QPixmap whole = enlarged->findChild<QLabel*>("enlargedOverlay")->pixmap();
        QCOMPARE(whole.devicePixelRatio(), 2.0);
        QCOMPARE(whole.width(), 2 * 420);
        enlarged->close();
    }
};

QTEST_MAIN(TestHeatmapHiDpi)
#include "TestHeatmapHiDpi.moc"
