// The workbench under a dark Fusion palette: plots, run browser and regions view take the
// palette's colours, and their text stays readable (WCAG contrast measured in the grabbed pixels).
// The screenshots go to $FRA_SCREENSHOT_DIR, else to the test artifacts.
#include "data/ImageFolder.h"
#include "data/RunCatalog.h"
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/Theme.h"
#include "widgets/HeatmapPane.h"
#include "widgets/HeatmapPanel.h"
#include "widgets/MainWindow.h"
#include "widgets/MetricPlot.h"
#include "widgets/PlotPanel.h"
#include "widgets/RunBrowser.h"

#include <QApplication>
#include <QDir>
#include <QHash>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

namespace {
QPalette darkPalette() {
    QPalette p;
    const QColor window(53, 53, 53), base(35, 35, 35), text(230, 230, 230), highlight(42, 130, 218);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(45, 45, 45));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, highlight.lighter(130));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(80, 80, 80));
    p.setColor(QPalette::Midlight, QColor(66, 66, 66));
    p.setColor(QPalette::Mid, QColor(45, 45, 45));
    p.setColor(QPalette::Dark, QColor(25, 25, 25));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) p.setColor(QPalette::Disabled, role, QColor(127, 127, 127));
    return p;
}

QString screenshotDir() {
    const QString dir = qEnvironmentVariableIsSet("FRA_SCREENSHOT_DIR") ? qEnvironmentVariable("FRA_SCREENSHOT_DIR") : FRA_TEST_ARTIFACTS "/themes";
    QDir().mkpath(dir);
    return dir;
}

// Three finished runs of 300 steps (different curves) and, for the first, 8 regions over 4 probe faces.
QStringList makeRuns(const TempDir& dir) {
    testimages::writeFolder(dir / "faces", 4, 64);
    QStringList paths;
    const char* names[] = {"example-a", "example-b", "example-c"};
    for (int r = 0; r < 3; ++r) {
        const auto run = fra::RunDirectory::create(dir / "runs" / names[r], {});
        fra::RunStatus status;
        status.state = "finished";
        status.preset = r == 2 ? "cpu-byol" : "cpu-r18";
        status.step = status.totalSteps = 300;
        run.writeStatus(status);
        {
            fra::MetricsWriter metrics(run.metricsFile());
            for (int s = 1; s <= 300; ++s) {
                fra::StepRecord rec;
                rec.step = s;
                rec.epoch = s / 30;
                rec.time = 1.7e9 + 2.5 * s;
                std::uint32_t hash = static_cast<std::uint32_t>(s) * 2654435761u ^ static_cast<std::uint32_t>(r + 1) * 40503u;
                hash = (hash ^ (hash >> 13)) * 0x5bd1e995u;
                const double wiggle = 0.3 * (((hash ^ (hash >> 15)) % 10000) / 10000.0 - 0.5);  // step-to-step noise
                rec.lossC = 3.8 * std::exp(-s / (90.0 + 40 * r)) + 0.6 + wiggle;
                rec.lossR = std::log(16.0) * (1 - 0.25 * (1 - std::exp(-s / (60.0 + 50 * r)))) + wiggle / 2;
                rec.loss = rec.lossC + rec.lossR;
                rec.lossG = rec.lossC * 0.6;
                rec.lossL = rec.lossC * 0.4;
                rec.lr = 0.3 * std::min(1.0, s / 30.0) * 0.5 * (1 + std::cos(3.14159 * s / 300));
                rec.momentum = 0.99 + 0.01 * (1 - std::cos(3.14159 * s / 300)) / 2;
                rec.imagesPerSecond = 14 + r + std::sin(s * 0.3);
                rec.regionCosine = 0.86 * std::exp(-s / (25.0 + 30 * r)) + (r == 1 ? 0.5 : -0.1) + wiggle / 3;
                rec.heatmapEntropy = 1 - 0.4 * (1 - std::exp(-s / (70.0 + 40 * r)));
                rec.regionContiguity = 0.16 + 0.3 * (1 - std::exp(-s / (80.0 + 30 * r)));
                metrics.append(rec);
            }
        }
        if (r == 0) {
            fra::ProbeSet::create(fra::ImageFolder(dir / "faces"), run, 4, 64, 8);
            constexpr int k = 8, side = 8;
            std::vector<float> maps(4 * k * side * side, 0.02f);
            for (int p = 0; p < 4; ++p)
                for (int y = 0; y < side; ++y)
                    for (int x = 0; x < side; ++x) maps[((p * k + (y / 2) * 2 + (x + p) / 4 % 2) * side + y) * side + x] = 0.86f;
            fra::writeNpy(run.heatmapPath(300), {4, k, side, side}, maps.data());
            run.appendHeatmapIndex(300, run.heatmapPath(300), {4, k, side, side});
        }
        paths << QString::fromStdString((dir / "runs" / names[r]).string());
    }
    return paths;
}

QColor dominant(const QImage& image, const QRect& area) {
    QHash<QRgb, int> counts;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x) ++counts[image.pixel(x, y) | 0xff000000u];
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    return QColor(best);
}

// the strongest contrast any pixel of `area` has against `background`: the text colour's, for text
double strongestContrast(const QImage& image, const QRect& area, const QColor& background) {
    double strongest = 1;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            strongest = std::max(strongest, fraui::contrastRatio(QColor(image.pixel(x, y)), background));
    return strongest;
}

double whiteShare(const QImage& image) {
    qint64 white = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) white += QColor(image.pixel(x, y)).lightness() >= 250;
    return double(white) / (qint64(image.width()) * image.height());
}

struct PlotReading {
    QColor background;
    double yTicks = 0, xTicks = 0, white = 0;
};

PlotReading read(fraui::MetricPlot* plot) {
    QCustomPlot* canvas = plot->plot();
    const QImage image = canvas->grab().toImage();
    const QRect axes = canvas->axisRect()->rect();
    PlotReading r;
    r.background = dominant(image, axes.adjusted(2, 2, -2, -2));
    r.yTicks = strongestContrast(image, QRect(0, axes.top(), axes.left() - 6, axes.height()), r.background);
    const QRect xTickLabels(axes.left(), axes.bottom() + 6, axes.width(), std::min(18, image.height() - axes.bottom() - 7));
    r.xTicks = strongestContrast(image, xTickLabels, r.background);
    r.white = whiteShare(image);
    return r;
}
}  // namespace

class TestDarkTheme : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QApplication::setStyle(QStyleFactory::create("Fusion")); }

    void darkPaletteReadsWellAndFollowsAChange() {
        QApplication::setPalette(darkPalette());
        TempDir dir;
        const QStringList runs = makeRuns(dir);
        fraui::MainWindow window;
        window.resize(1500, 950);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setRunsFolder(QString::fromStdString((dir / "runs").string()));
        for (const auto& run : runs) QTRY_VERIFY_WITH_TIMEOUT(window.catalog()->rowOf(run) >= 0, 10000);
        window.runBrowser()->findChild<QTableView*>("runTable")->selectAll();
        for (const auto& run : runs)
            QTRY_COMPARE_WITH_TIMEOUT(window.plotPanel()->series(run) ? window.plotPanel()->series(run)->size() : 0, 300, 10000);
        window.tabs()->setCurrentWidget(window.plotPanel());
        window.plotPanel()->redrawNow();
        QTest::qWait(100);

        for (const char* key : {"l_c", "region_cos"}) {
            const PlotReading dark = read(window.plotPanel()->plot(key));
            QVERIFY2(fraui::relativeLuminance(dark.background) < 0.05, qPrintable(dark.background.name()));
            QVERIFY2(dark.yTicks >= 4.5, qPrintable(QString("%1: y tick labels at contrast %2").arg(key).arg(dark.yTicks)));
            QVERIFY2(dark.xTicks >= 4.5, qPrintable(QString("%1: x tick labels at contrast %2").arg(key).arg(dark.xTicks)));
            QVERIFY2(dark.white < 0.002, qPrintable(QString("%1: %2 of the plot is white").arg(key).arg(dark.white)));
        }
        // three runs, three colours
        QSet<QRgb> colours;
        for (const auto& run : runs) {
            const QModelIndex name = window.catalog()->index(window.catalog()->rowOf(run), fraui::RunCatalog::Name);
            colours.insert(window.catalog()->data(name, Qt::DecorationRole).value<QColor>().rgb());
        }
        QCOMPARE(colours.size(), 3);

        window.heatmapPanel()->setRun(runs.first());  // the run with regions
        const QString shots = screenshotDir();
        window.saveScreenshots(shots + "/dark");
        QVERIFY(QFile::exists(shots + "/dark/monitor.png"));

        // the run browser: a dark table whose names and states read
        auto* table = window.runBrowser()->findChild<QTableView*>("runTable");
        table->clearSelection();
        QTest::qWait(50);
        const QImage browser = table->viewport()->grab().toImage();
        browser.save(shots + "/dark-run-browser.png");
        const QColor tableBackground = dominant(browser, browser.rect());
        QVERIFY2(fraui::relativeLuminance(tableBackground) < 0.05, qPrintable(tableBackground.name()));
        const QRect stateColumn(table->columnViewportPosition(fraui::RunCatalog::State), 0, table->columnWidth(fraui::RunCatalog::State),
                                table->rowViewportPosition(2) + table->rowHeight(2));
        QVERIFY(strongestContrast(browser, stateColumn, tableBackground) >= 4.5);
        QVERIFY(strongestContrast(browser, QRect(0, 0, table->columnWidth(0), stateColumn.height()), tableBackground) >= 4.5);

        // the regions view: the panels' gaps are the window's colour, not white
        fraui::HeatmapPane* pane = window.heatmapPanel()->primary();
        QTRY_COMPARE_WITH_TIMEOUT(pane->regions(), 8, 5000);
        QCOMPARE(pane->renderFace(0, 40, fraui::HeatmapMode::Panels).pixelColor(41, 5), pane->palette().color(QPalette::Window));

        table->selectAll();
        QTRY_VERIFY_WITH_TIMEOUT(window.plotPanel()->series(runs.first()) && window.plotPanel()->series(runs.first())->size() == 300, 10000);

        // the desktop switches to a light theme: the plots follow
        QApplication::setPalette(QApplication::style()->standardPalette());
        QTest::qWait(100);
        window.plotPanel()->redrawNow();
        QTest::qWait(100);
        const PlotReading light = read(window.plotPanel()->plot("l_c"));
        QVERIFY2(fraui::relativeLuminance(light.background) > 0.8, qPrintable(light.background.name()));
        QVERIFY2(light.yTicks >= 4.5 && light.xTicks >= 4.5, qPrintable(QString("%1 %2").arg(light.yTicks).arg(light.xTicks)));
        window.saveScreenshots(shots + "/light");
    }
};

QTEST_MAIN(TestDarkTheme)
#include "TestDarkTheme.moc"
