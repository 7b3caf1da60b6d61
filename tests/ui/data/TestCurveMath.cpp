#include "data/CurveMath.h"
#include "data/RunSeries.h"

#include <QtTest>
#include <cmath>

class TestCurveMath : public QObject {
    Q_OBJECT
private slots:
    void emaIsDebiased() {
        // constant input: a debiased EMA is that constant from the first point on
        const auto s = fraui::emaDebiased({5, 5, 5, 5}, 0.9);
        for (double v : s) QCOMPARE(v, 5.0);
        // by hand, w = 0.5: s1 = 0.5*2 / (1-0.5) = 2; s2 = (0.25*2 + 0.5*4) / (1-0.25) = 10/3
        const auto t = fraui::emaDebiased({2, 4}, 0.5);
        QCOMPARE(t[0], 2.0);
        QVERIFY(std::abs(t[1] - 10.0 / 3.0) < 1e-12);
        QCOMPARE(fraui::emaDebiased({1, 7}, 0.0)[1], 7.0);  // no smoothing
    }

    void decimationKeepsSpikesAndBoundsThePointCount() {
        QVector<double> x, y;
        for (int i = 0; i < 1000000; ++i) {
            x << i;
            y << std::sin(i * 0.001);
        }
        y[123456] = 50;   // a spike
        y[654321] = -50;  // and a dip
        QVector<double> dx, dy;
        fraui::decimateMinMax(x, y, 0, 999999, 800, dx, dy);
        QVERIFY(dx.size() <= 1600 + 4);
        QVERIFY(dy.contains(50.0));
        QVERIFY(dy.contains(-50.0));
        for (int i = 1; i < dx.size(); ++i) QVERIFY(dx[i] >= dx[i - 1]);  // still sorted
        // a zoomed range only returns points in (or just around) it
        fraui::decimateMinMax(x, y, 1000, 1010, 800, dx, dy);
        QCOMPARE(dx.first(), 999.0);
        QCOMPARE(dx.last(), 1011.0);
    }

    // the epoch and minutes x axes: epoch + fraction within it, the running epoch as long as the last
    void epochAndMinuteAxes() {
        fraui::RunSeries s;
        QVector<fra::StepRecord> records;
        for (int step = 1; step <= 6; ++step) {
            fra::StepRecord r;
            r.step = step;
            r.epoch = (step - 1) / 4;  // 4 steps per epoch
            r.time = 1000.0 + 30.0 * (step - 1);
            records.push_back(r);
        }
        s.append(records);
        QCOMPARE(s.epochs(), (QVector<double>{0.0, 0.25, 0.5, 0.75, 1.0, 1.25}));
        QCOMPARE(s.minutes(), (QVector<double>{0.0, 0.5, 1.0, 1.5, 2.0, 2.5}));
    }

    void seriesKeepsOneValuePerStepAndBest() {
        fraui::RunSeries s;
        QVector<fra::StepRecord> records(3);
        for (int i = 0; i < 3; ++i) {
            records[i].step = i + 1;
            records[i].loss = 3.0 - i;
            records[i].lossC = 1;
        }
        records[1].loss = NAN;
        s.append(records);
        s.append({records[0]});  // a step already there is ignored
        QCOMPARE(s.size(), 3);
        QCOMPARE(s.best("loss"), 1.0);
        QCOMPARE(s.last("loss"), 1.0);
        QCOMPARE(s.best("img_per_s"), 0.0);
        const QString csv = fraui::RunSeries::toCsv({{"run a", &s}});
        QVERIFY(csv.startsWith("run,step,l_c,l_r,loss"));
        QVERIFY(csv.section('\n', 0, 0).endsWith("img_per_s,knn_top1,readout_nme,knn_top1_k200,eval_s\r"));  // the online evaluation last
        QCOMPARE(csv.count('\n'), 4);
    }
};

QTEST_GUILESS_MAIN(TestCurveMath)
#include "TestCurveMath.moc"
