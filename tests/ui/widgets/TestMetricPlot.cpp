#include "support/TempDir.h"
#include "util/IntegerTicker.h"
#include "widgets/MetricPlot.h"
#include "widgets/PlotPanel.h"

#include <QFile>
#include <QtTest>
#include <qcustomplot.h>

namespace {
QVector<fra::StepRecord> records(int from, int to) {
    QVector<fra::StepRecord> out;
    for (int i = from; i <= to; ++i) {
        fra::StepRecord r;
        r.step = i;
        r.lossC = 4.0 / (1 + 0.01 * i);
        r.lossR = 2.0;
        r.loss = r.lossC + 0.2;
        out << r;
    }
    return out;
}
}  // namespace

class TestMetricPlot : public QObject {
    Q_OBJECT
private slots:
    // step and epoch axes never tick at 1.5 or 2.5, however they are zoomed
    void stepAxesTickAtWholeNumbers() {
        fraui::IntegerTicker ticker;
        for (const QCPRange range : {QCPRange(0, 3), QCPRange(1, 2.2), QCPRange(0, 12), QCPRange(0, 37), QCPRange(0, 184), QCPRange(40, 51)}) {
            QVector<double> ticks;
            QVector<QString> labels;
            ticker.generate(range, QLocale::c(), 'f', 0, ticks, nullptr, &labels);
            QVERIFY2(!ticks.isEmpty(), qPrintable(QString("%1..%2").arg(range.lower).arg(range.upper)));
            for (double t : ticks) QVERIFY2(t == std::round(t), qPrintable(QString("tick %1 in %2..%3").arg(t).arg(range.lower).arg(range.upper)));
        }
    }

    void overlaysRunsWithRawAndSmoothedCurves() {
        fraui::PlotPanel panel;
        panel.resize(1000, 800);
        panel.show();
        panel.appendRecords("/runs/a", records(1, 100), false);
        panel.appendRecords("/runs/b", records(1, 50), false);
        panel.setVisibleRuns({"/runs/a", "/runs/b"});
        panel.redrawNow();
        fraui::MetricPlot* lc = panel.plot("l_c");
        QVERIFY(lc);
        QCOMPARE(lc->plot()->graphCount(), 4);  // raw + smoothed per run
        QVERIFY(lc->drawnPoints() >= 2 * 150);
        QCOMPARE(lc->plot()->xAxis->range().upper, 100.0);
        // a resumed run rewrites its log: the series restarts
        panel.appendRecords("/runs/b", records(1, 10), true);
        QCOMPARE(panel.series("/runs/b")->size(), 10);
        // options: log y and y from zero
        fraui::PlotOptions o = panel.options();
        o.logY = true;
        panel.setOptions(o);
        panel.redrawNow();
        QCOMPARE(lc->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        o.logY = false;
        o.yFromZero = true;
        panel.setOptions(o);
        panel.redrawNow();
        QCOMPARE(lc->plot()->yAxis->range().lower, 0.0);
    }

    // the online evaluation's values exist on some steps only: their plots appear with the first
    // value, draw exactly the evaluated points (no smoothing), and a run without them shows none
    void onlineEvaluationPlotsShowTheEvaluatedStepsOnly() {
        fraui::PlotPanel panel;
        panel.resize(1000, 800);
        panel.show();
        panel.appendRecords("/runs/a", records(1, 40), false);
        panel.setVisibleRuns({"/runs/a"});
        panel.redrawNow();
        fraui::MetricPlot* knn = panel.plot("knn_top1");
        fraui::MetricPlot* nme = panel.plot("readout_nme");
        QVERIFY(knn && nme);
        QVERIFY(!knn->isVisible() && !nme->isVisible());
        QVERIFY(panel.plot("l_c")->isVisible());
        QVector<fra::StepRecord> more = records(41, 70);
        for (auto& r : more)
            if (r.step % 10 == 0) {
                r.knnTop1 = r.step / 100.0;
                r.readoutNme = 1.0 / r.step;
            }
        panel.appendRecords("/runs/a", more, false);
        panel.redrawNow();
        QVERIFY(knn->isVisible() && nme->isVisible());
        QCOMPARE(knn->drawnPoints(), 3);  // steps 50, 60 and 70
        const QCPGraph* points = knn->plot()->graph(1);
        QCOMPARE(points->dataCount(), 3);
        QCOMPARE(points->data()->at(0)->key, 50.0);
        QCOMPARE(points->data()->at(2)->value, 0.7);
        QCOMPARE(knn->plot()->graph(0)->dataCount(), 0);  // no raw curve under the points
        QVERIFY(knn->plot()->yAxis->range().contains(0.5) && knn->plot()->yAxis->range().contains(0.7));
    }

    void exportsPngSvgAndCsv() {
        TempDir dir;
        fraui::PlotPanel panel;
        panel.appendRecords("/runs/a", records(1, 20), false);
        panel.setVisibleRuns({"/runs/a"});
        panel.redrawNow();
        const QString out = QString::fromStdString(dir.path().string());
        panel.exportAll(out);
        QVERIFY(QFile::exists(out + "/l_c.png"));
        QVERIFY(QFile(out + "/l_r.svg").size() > 1000);
        QFile csv(out + "/metrics.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 21);
    }

    void millionPointsStayBoundedOnScreen() {
        fraui::PlotPanel panel;
        panel.resize(1200, 800);
        panel.show();
        panel.appendRecords("/runs/big", records(1, 1000000), false);
        panel.setVisibleRuns({"/runs/big"});
        panel.redrawNow();
        // what is drawn is bounded by the pixel width, not by the data
        QVERIFY(panel.plot("loss")->drawnPoints() < 8000);
    }
};

QTEST_MAIN(TestMetricPlot)
#include "TestMetricPlot.moc"
