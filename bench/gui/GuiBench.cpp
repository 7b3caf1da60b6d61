// fra-gui-bench: the workbench's responsiveness targets (performance.md), as JSON lines.
//  * plot_redraw: one loss plot holding 10^6 points, decimated and replotted (median of 30)
//  * event_loop_latency: lateness of a 10 ms timer on the GUI thread while a real training run
//    trains in the same process and its curves and heatmaps update live
#include "bridge/TrainingBridge.h"
#include "config/PresetLibrary.h"
#include "data/RunFollower.h"
#include "widgets/MetricPlot.h"
#include "widgets/PlotPanel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <functional>
#include <cstdio>
#include <qcustomplot.h>

namespace {
double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

void print(const QJsonObject& o) { std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData()); }

void plotRedraw() {
    fraui::PlotPanel panel;
    panel.resize(1400, 900);
    panel.show();
    QVector<fra::StepRecord> records;
    records.reserve(1000000);
    for (int i = 1; i <= 1000000; ++i) {
        fra::StepRecord r;
        r.step = i;
        r.loss = 4.0 / (1 + 1e-5 * i) + 0.05 * std::sin(i * 0.37);
        r.lossC = r.loss;
        records.push_back(r);
    }
    panel.appendRecords("/bench/run", records, false);
    panel.setVisibleRuns({"/bench/run"});
    panel.redrawNow();
    fraui::MetricPlot* plot = panel.plot("loss");
    auto measure = [&](const char* what, const std::function<void(int)>& before) {
        std::vector<double> ms;
        for (int i = 0; i < 30; ++i) {
            before(i);
            QElapsedTimer t;
            t.start();
            plot->redraw();  // smooth, decimate, set data
            plot->plot()->replot(QCustomPlot::rpImmediateRefresh);
            ms.push_back(t.nsecsElapsed() / 1e6);
        }
        print({{"bench", "plot_redraw"}, {"case", what}, {"points", plot->plot()->graph(0) ? 1000000 : 0}, {"ms_median", percentile(ms, 0.5)},
               {"ms_p95", percentile(ms, 0.95)}, {"drawn_points", plot->drawnPoints()}, {"target_ms", 30}});
    };
    // live: 10 new steps arrive before each redraw (what a running training does)
    qint64 next = 1000001;
    measure("new_points", [&](int) {
        QVector<fra::StepRecord> more;
        for (int k = 0; k < 10; ++k) {
            fra::StepRecord r;
            r.step = next++;
            r.loss = 3.0;
            more.push_back(r);
        }
        panel.appendRecords("/bench/run", more, false);
    });
    // worst case: the smoothing slider moves, so the EMA of every point is recomputed
    measure("smoothing_changed", [&](int i) {
        fraui::PlotOptions o = panel.options();
        o.smoothing = (i % 2) ? 0.6 : 0.61;
        plot->setOptions(o);
    });
}

void eventLoopDuringTraining(const QString& faces, int seconds) {
    QTemporaryDir dir;
    fra::FraConfig config = fra::PresetLibrary::installed().resolve("cpu-r18");
    config.data.root = QDir(faces).absolutePath().toStdString();
    config.run.maxSteps = 100000;
    config.run.heatmapEvery = 5;
    const QString run = dir.filePath("bench-run");

    fraui::TrainingBridge bridge;
    fraui::PlotPanel panel;
    panel.resize(1400, 900);
    panel.show();
    QThread followerThread;
    auto* follower = new fraui::RunFollower;
    follower->moveToThread(&followerThread);
    QObject::connect(&followerThread, &QThread::finished, follower, &QObject::deleteLater);
    followerThread.start();
    QObject::connect(follower, &fraui::RunFollower::recordsAppended, &panel, &fraui::PlotPanel::appendRecords, Qt::QueuedConnection);
    QObject::connect(&bridge, &fraui::TrainingBridge::started, &panel, [&](const QString& path) {
        QMetaObject::invokeMethod(follower, [follower, path] { follower->follow(path); }, Qt::QueuedConnection);
        panel.setVisibleRuns({path});
    });
    std::vector<double> late;
    int steps = 0;
    QObject::connect(&bridge, &fraui::TrainingBridge::stepRecorded, &panel, [&] { ++steps; });
    QElapsedTimer clock;
    qint64 expected = 0;
    QTimer ping;
    ping.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ping, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (expected) late.push_back(std::max<qint64>(0, now - expected) / 1e6);
        expected = now + 10'000'000;
    });
    QObject::connect(&bridge, &fraui::TrainingBridge::started, [&] {
        clock.start();
        ping.start(10);
        QTimer::singleShot(seconds * 1000, [&] { bridge.stop(); });
    });
    QObject::connect(&bridge, &fraui::TrainingBridge::finished, qApp, &QCoreApplication::quit);
    QObject::connect(&bridge, &fraui::TrainingBridge::launchFailed, [](const QString&, const QString& m) {
        std::fprintf(stderr, "launch failed: %s\n", qPrintable(m));
        QCoreApplication::exit(1);
    });
    bridge.startNew(config, run);
    QApplication::exec();
    followerThread.quit();
    followerThread.wait();
    print({{"bench", "event_loop_latency"}, {"training", true}, {"seconds", seconds}, {"steps_trained", steps},
           {"timer_ticks", static_cast<int>(late.size())}, {"late_ms_p50", percentile(late, 0.5)}, {"late_ms_p99", percentile(late, 0.99)},
           {"late_ms_max", percentile(late, 1.0)}, {"target_ms", 50}});
}
}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    plotRedraw();
    if (argc > 1) eventLoopDuringTraining(argv[1], argc > 2 ? std::atoi(argv[2]) : 30);
    return 0;
}
