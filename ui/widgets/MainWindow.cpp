#include "widgets/MainWindow.h"

#include "bridge/EvaluationBridge.h"
#include "bridge/HeatmapInference.h"
#include "bridge/TrainingBridge.h"
#include "config/ConfigSchema.h"
#include "config/PresetLibrary.h"
#include "data/RunCatalog.h"
#include "data/LivenessSettings.h"
#include "data/RunFollower.h"
#include "data/RemoteMirror.h"
#include "data/RunQueue.h"
#include "remote/RemoteRun.h"
#include "run/RunDirectory.h"
#include "run/RunLiveness.h"
#include "slurm/SlurmJob.h"
#include "train/ProgressEstimate.h"
#include "util/ShutdownGuard.h"
#include "util/BuildInfo.h"
#include "widgets/EvaluationPanel.h"
#include "widgets/HeatmapPanel.h"
#include "widgets/LaunchPanel.h"
#include "widgets/PlotPanel.h"
#include "widgets/RunBrowser.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QPushButton>
#include <QThreadPool>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QUrl>
#include <algorithm>
#include <cstdio>
#include <thread>

namespace fraui {


MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      bridge_(new TrainingBridge(this)),
      queue_(new RunQueue(bridge_, this)),
      catalog_(new RunCatalog(this)),
      follower_(new RunFollower),
      mirror_(new RemoteMirror),
      inference_(new HeatmapInference(this)),
      evaluations_(new EvaluationBridge(this)) {
    setWindowTitle(tr("FRA Workbench"));
    follower_->moveToThread(&followerThread_);
    connect(&followerThread_, &QThread::finished, follower_, &QObject::deleteLater);
    followerThread_.start();
    mirror_->setInterval(remoteMirrorIntervalMs());
    mirror_->moveToThread(&mirrorThread_);
    connect(&mirrorThread_, &QThread::finished, mirror_, &QObject::deleteLater);
    mirrorThread_.start();
    // a lost display ends the process with exit(): the reader threads must be stopped before the
    // static destructors run
    ShutdownGuard::registerWorker(&followerThread_, [this] {
        if (!followerThread_.isRunning()) return false;
        followerThread_.quit();
        followerThread_.wait();
        return true;
    });
    ShutdownGuard::registerWorker(&mirrorThread_, [this] {
        if (!mirrorThread_.isRunning()) return false;  // stopped already (the mirror deletes itself then)
        mirror_->cancel();
        mirrorThread_.quit();
        mirrorThread_.wait();
        return true;
    });
    connect(catalog_, &RunCatalog::scanRequested, mirror_, &RemoteMirror::setFolders, Qt::QueuedConnection);
    connect(mirror_, &RemoteMirror::mirrored, this, [this](const QString& path, bool reached, const QString& error) {
        if (!reached) statusBar()->showMessage(tr("%1: %2 (retrying)").arg(QDir(path).dirName(), error), 15000);
    });

    browser_ = new RunBrowser(catalog_);
    auto* dock = new QDockWidget(tr("Runs"), this);
    dock->setObjectName("runsDock");
    dock->setWidget(browser_);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    tabs_ = new QTabWidget;
    launch_ = new LaunchPanel(queue_);
    plots_ = new PlotPanel;
    heatmaps_ = new HeatmapPanel(inference_);
    evaluation_ = new EvaluationPanel(evaluations_, catalog_, inference_);
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setAccessibleName(tr("Log"));
    log_->setAccessibleDescription(tr("What the trainings and the workbench report, newest last"));
    tabs_->setAccessibleName(tr("Views"));
    tabs_->addTab(launch_, tr("Launch"));
    tabs_->addTab(plots_, tr("Monitor"));
    tabs_->addTab(heatmaps_, tr("Facial regions"));
    tabs_->addTab(evaluation_, tr("Evaluate && compare"));
    tabs_->addTab(log_, tr("Log"));
    setCentralWidget(tabs_);

    const int threads = static_cast<int>(std::thread::hardware_concurrency());
    device_ = new QLabel(tr("CPU, %1 threads").arg(threads));
    device_->setObjectName("deviceLabel");
    queueLabel_ = new QLabel(tr("queue: empty"));
    stateLabel_ = new QLabel(tr("idle"));
    stateLabel_->setObjectName("stateLabel");
    progressLabel_ = new QLabel;
    progressLabel_->setObjectName("progressLabel");
    statusBar()->addPermanentWidget(progressLabel_);
    statusBar()->addPermanentWidget(stateLabel_);
    statusBar()->addPermanentWidget(queueLabel_);
    statusBar()->addPermanentWidget(device_);

    connect(browser_, &RunBrowser::selectionChanged, this, &MainWindow::showRuns);
    connect(browser_, &RunBrowser::openFolderRequested, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of runs (or a run)"));
        if (dir.isEmpty()) return;
        catalog_->addFolder(dir);
        QSettings().setValue("extraFolders", catalog_->folders().mid(1));
    });
    auto resume = [this](const QString& path) {
        RunQueue::Launch l;
        l.runDir = path;
        l.resume = true;
        // never a second writer: a run live here or on another machine is refused, one whose heartbeat
        // from another machine is only stale needs the user's word that the machine stopped
        try {
            const std::filesystem::path root = path.toStdString();
            const fra::LivenessVerdict v = fra::judgeLiveness(root, fra::RunDirectory::open(root).readStatus(), livenessPolicy());
            const QString age = QString::fromStdString(fra::formatAge(v.heartbeatAge));
            if (v.live()) {
                QMessageBox::warning(this, tr("Resume run"),
                                     tr("%1 is %2 (pid %3, last heartbeat %4 ago): stop it there first.")
                                         .arg(QDir(path).dirName(), QString::fromStdString(v.describe()))
                                         .arg(v.pid)
                                         .arg(age));
                return;
            }
            if (v.liveness == fra::Liveness::Interrupted && !v.provablyGone) {
                const auto answer = QMessageBox::question(
                    this, tr("Resume run"),
                    tr("%1 was trained on %2 (pid %3); its last heartbeat is %4 old. That machine may only be cut off "
                       "from this one and still training it. Resume here anyway?")
                        .arg(QDir(path).dirName(), QString::fromStdString(v.host))
                        .arg(v.pid)
                        .arg(age));
                if (answer != QMessageBox::Yes) return;
                l.force = true;
            }
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Resume run"), QString::fromStdString(e.what()));
            return;
        }
        bool ok = false;
        const qint64 steps = QInputDialog::getInt(this, tr("Resume run"), tr("Step budget (0 keeps the run's own)"), 0, 0, 1 << 30, 100, &ok);
        if (!ok) return;
        l.maxSteps = steps;
        queue_->enqueue(l);
    };
    connect(browser_, &RunBrowser::resumeRequested, this, resume);
    connectRunsElsewhere();  // ssh hosts and Slurm clusters
    connect(launch_, &LaunchPanel::resumeRunRequested, this, [this, resume] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Run to resume"), launch_->runsFolder());
        if (!dir.isEmpty()) resume(dir);
    });
    connect(launch_, &LaunchPanel::pauseRequested, bridge_, &TrainingBridge::pause);
    connect(launch_, &LaunchPanel::resumeRequested, bridge_, &TrainingBridge::resume);
    connect(launch_, &LaunchPanel::stopRequested, bridge_, &TrainingBridge::stop);
    connect(queue_, &RunQueue::changed, this, [this] {
        queueLabel_->setText(queue_->pending().isEmpty() ? tr("queue: empty") : tr("queue: %1 waiting").arg(queue_->pending().size()));
    });
    connect(bridge_, &TrainingBridge::started, this, [this](const QString& path) {
        catalog_->refresh();
        followed_ = QStringList{path};
        QMetaObject::invokeMethod(follower_, [f = follower_, path] { f->follow(path); }, Qt::QueuedConnection);
        plots_->setVisibleRuns({path});
        heatmaps_->setRun(path);
        tabs_->setCurrentWidget(openRegionsOnStart_ ? static_cast<QWidget*>(heatmaps_) : plots_);  // the demo opens where regions appear
        openRegionsOnStart_ = false;
        progress_ = std::make_unique<fra::ProgressEstimate>(bridge_->endStep());
        progressLabel_->setText(tr("waiting for the first steps…"));
        connect(catalog_, &RunCatalog::refreshed, this, [this, path] { browser_->select(path); }, Qt::SingleShotConnection);
    });
    connect(bridge_, &TrainingBridge::stateChanged, this, [this](const QString& path, const QString& state, const QString&) {
        stateLabel_->setText(tr("%1: %2", "run: state").arg(QDir(path).dirName(), state));
        launch_->setTrainingState(state);
    });
    connect(bridge_, &TrainingBridge::logLine, this, [this](const QString& path, const QString& level, const QString& message) {
        log_->appendPlainText(QString("%1 [%2] %3: %4").arg(QTime::currentTime().toString(), level, QDir(path).dirName(), message));
    });
    connect(bridge_, &TrainingBridge::launchFailed, this, [this](const QString& path, const QString& message) {
        launch_->setTrainingState("idle");
        QMessageBox::critical(this, tr("The run could not start"), QString("%1\n\n%2").arg(path, message));
    });
    connect(bridge_, &TrainingBridge::finished, this, &MainWindow::onTrainingFinished);
    // steps/s and the time left, from a moving window of step times
    connect(bridge_, &TrainingBridge::stepRecorded, this, [this](const QString&, const fra::StepRecord& r) {
        if (!progress_) return;
        progress_->record(r.step, r.time);
        progressLabel_->setText(progress_->ready() ? tr("step %1/%2 · %3 steps/s · about %4 left")
                                                         .arg(r.step)
                                                         .arg(progress_->endStep())
                                                         .arg(progress_->stepsPerSecond(), 0, 'f', 2)
                                                         .arg(QString::fromStdString(fra::humanDuration(progress_->secondsLeft())))
                                                   : tr("step %1/%2").arg(r.step).arg(progress_->endStep()));
    });
    connect(follower_, &RunFollower::recordsAppended, plots_, &PlotPanel::appendRecords, Qt::QueuedConnection);
    // a fine-tuning's region snapshots arrive with its per-epoch records
    connect(evaluations_, &EvaluationBridge::record, heatmaps_, [this](const QString& dir, const QJsonObject& r) {
        if (r["heatmaps"].toBool()) heatmaps_->snapshotsChanged(dir);
    });
    connect(evaluation_, &EvaluationPanel::fineTuningRegionsRequested, this, [this](const QString& dir) {
        heatmaps_->showEvaluation(dir);
        tabs_->setCurrentWidget(heatmaps_);
    });
    connect(follower_, &RunFollower::heatmapsChanged, heatmaps_, [this](const QString& path) { heatmaps_->snapshotsChanged(path); },
            Qt::QueuedConnection);

    buildMenus();
    QSettings settings;
    // the last geometry, else most of the screen (1280x800 laptops to 4K monitors); never larger than it
    const QRect screenArea = screen() ? screen()->availableGeometry() : QRect(0, 0, 1400, 900);
    if (!restoreGeometry(settings.value("geometry").toByteArray()))
        resize(std::min(1600, screenArea.width() * 92 / 100), std::min(1000, screenArea.height() * 92 / 100));
    if (width() > screenArea.width() || height() > screenArea.height())
        resize(std::min(width(), screenArea.width()), std::min(height(), screenArea.height()));
    const int refresh = settings.value("refreshMs", 250).toInt();
    QMetaObject::invokeMethod(follower_, [f = follower_, refresh] { f->setInterval(refresh); }, Qt::QueuedConnection);
    PlotOptions options = plots_->options();
    options.smoothing = settings.value("smoothing", options.smoothing).toDouble();
    options.logY = settings.value("logY", false).toBool();
    plots_->setOptions(options);
    connect(plots_, &PlotPanel::optionsChanged, this, [](const PlotOptions& o) {
        QSettings s;
        s.setValue("smoothing", o.smoothing);
        s.setValue("logY", o.logY);
    });
}

MainWindow::~MainWindow() {
    followerThread_.quit();
    ShutdownGuard::unregisterWorker(&followerThread_);
    ShutdownGuard::unregisterWorker(&mirrorThread_);
    if (mirrorThread_.isRunning()) mirror_->cancel();  // a pass under way stops after the run it is copying
    mirrorThread_.quit();
    followerThread_.wait();
    mirrorThread_.wait();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open runs folder…"), QKeySequence::Open, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Runs folder"), launch_->runsFolder());
        if (!dir.isEmpty()) setRunsFolder(dir);
    });
    file->addAction(tr("Export plots…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export plots to"));
        if (!dir.isEmpty()) plots_->exportAll(dir);
    });
    file->addAction(tr("Fetch the real-face sample pool"), this, [this] {
        // `fra samples fetch` next to this program (installed) or in the build tree
        const QString here = QCoreApplication::applicationDirPath();
        QString fra = here + "/fra";
        if (!QFile::exists(fra)) fra = here + "/../fra/fra";
        auto* process = new QProcess(this);
        process->setProcessChannelMode(QProcess::MergedChannels);
        connect(process, &QProcess::readyRead, this, [this, process] { log_->appendPlainText(QString::fromUtf8(process->readAll()).trimmed()); });
        connect(process, &QProcess::finished, this, [this, process](int code) {
            log_->appendPlainText(code == 0 ? tr("sample pool ready") : tr("sample pool fetch failed (exit %1)").arg(code));
            if (code != 0) QMessageBox::warning(this, tr("Sample pool"), tr("Fetching the sample pool failed; see the Log tab."));
            process->deleteLater();
        });
        tabs_->setCurrentWidget(log_);
        log_->appendPlainText(tr("fetching the sample pool: %1").arg(fra + " samples fetch"));
        process->start(fra, {"samples", "fetch"});
    });
    file->addSeparator();
    file->addAction(tr("Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(tr("Start"), QKeySequence(Qt::CTRL | Qt::Key_R), launch_, &LaunchPanel::start);
    run->addAction(tr("Pause / resume"), QKeySequence(Qt::CTRL | Qt::Key_P), this, [this] {
        if (bridge_->state() == "paused") bridge_->resume();
        else bridge_->pause();
    });
    run->addAction(tr("Stop (with a checkpoint)"), QKeySequence(Qt::CTRL | Qt::Key_Period), bridge_, &TrainingBridge::stop);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < tabs_->count(); ++i)
        view->addAction(tabs_->tabText(i).replace("&&", "&"), QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), this, [this, i] { tabs_->setCurrentIndex(i); });
    view->addSeparator();
    view->addAction(tr("Refresh now"), QKeySequence::Refresh, this, [this] {
        catalog_->refresh();
        QMetaObject::invokeMethod(follower_, &RunFollower::pollNow, Qt::QueuedConnection);
    });
    view->addAction(tr("Refresh interval…"), this, [this] {
        bool ok = false;
        const int ms = QInputDialog::getInt(this, tr("Refresh interval"), tr("Milliseconds between reads of the run folders"),
                                            QSettings().value("refreshMs", 250).toInt(), 50, 60000, 50, &ok);
        if (!ok) return;
        QSettings().setValue("refreshMs", ms);
        QMetaObject::invokeMethod(follower_, [f = follower_, ms] { f->setInterval(ms); }, Qt::QueuedConnection);
        catalog_->setRefreshInterval(ms * 8);
    });
    view->addAction(tr("Mirror interval…"), this, [this] {
        bool ok = false;
        const int seconds = QInputDialog::getInt(this, tr("Mirror interval"), tr("Seconds between copies of runs on other machines"),
                                                 remoteMirrorIntervalMs() / 1000, 1, 3600, 1, &ok);
        if (!ok) return;
        QSettings().setValue("remote/mirrorMs", seconds * 1000);
        QMetaObject::invokeMethod(mirror_, [m = mirror_, seconds] { m->setInterval(seconds * 1000); }, Qt::QueuedConnection);
    });
    view->addAction(tr("Heartbeat threshold…"), this, [this] {
        bool ok = false;
        const int seconds = QInputDialog::getInt(this, tr("Heartbeat threshold"),
                                                 tr("Seconds without a heartbeat before a run on another machine reads as interrupted"),
                                                 static_cast<int>(livenessPolicy().staleAfterSeconds), 10, 7 * 86400, 30, &ok);
        if (!ok) return;
        setStaleAfterSeconds(seconds);
        catalog_->refresh();
    });
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Keyboard shortcuts"), this, [this] {
        QMessageBox::information(this, tr("Keyboard shortcuts"),
                                 tr("Ctrl+O  open a runs folder\nCtrl+R  start the run in the form\nCtrl+P  pause / resume\n"
                                    "Ctrl+.  stop with a checkpoint\nCtrl+E  export the plots\nCtrl+1..5  switch views\nF5  refresh\n"
                                    "Plots: drag to pan, wheel to zoom, double-click to follow the data again"));
    });
    help->addAction(tr("About FRA Workbench"), this, [this] {
        QMessageBox::about(this, tr("About FRA Workbench"),
                           tr("FRA Workbench %1\nFacial Region Awareness pre-training (Gao & Patras, CVPR 2024)\n\nThis build:\n%2")
                               .arg(QApplication::applicationVersion(), QString::fromStdString(fra::buildCapabilitiesText())));
    });
}

void MainWindow::setRunsFolder(const QString& folder) {
    QDir().mkpath(folder);
    const QString absolute = QDir(folder).absolutePath();
    QSettings().setValue("runsFolder", absolute);
    QStringList folders{absolute};
    folders << QSettings().value("extraFolders").toStringList();
    catalog_->setFolders(folders);
    launch_->setRunsFolder(absolute);
}

void MainWindow::showRuns(const QStringList& runs) {
    for (const auto& old : followed_)
        if (!runs.contains(old) && old != bridge_->runPath())
            QMetaObject::invokeMethod(follower_, [f = follower_, old] { f->unfollow(old); }, Qt::QueuedConnection);
    for (const auto& path : runs) QMetaObject::invokeMethod(follower_, [f = follower_, path] { f->follow(path); }, Qt::QueuedConnection);
    followed_ = runs;
    plots_->setVisibleRuns(runs);
    if (!runs.isEmpty()) {
        heatmaps_->setRun(runs.first());
        if (runs.size() > 1) heatmaps_->setCompareRun(runs[1]);
    }
    evaluation_->setSelectedRuns(runs);
}

void MainWindow::onTrainingFinished(const QString& runPath, const QString& state, const QString& message) {
    progress_.reset();
    progressLabel_->clear();
    catalog_->refresh();
    launch_->setTrainingState("idle");
    stateLabel_->setText(tr("%1: %2", "run: state").arg(QDir(runPath).dirName(), state));
    if (state != "failed") return;
    QMessageBox box(QMessageBox::Critical, tr("Training failed"), tr("%1 failed:\n\n%2").arg(QDir(runPath).dirName(), message), QMessageBox::Ok, this);
    QPushButton* log = box.addButton(tr("Open run.log"), QMessageBox::ActionRole);
    box.exec();
    if (box.clickedButton() == log) QDesktopServices::openUrl(QUrl::fromLocalFile(runPath + "/run.log"));
}

void MainWindow::startDemo(const QString& dataFolder, qint64 steps, const QString& preset, const QStringList& assignments) {
    fra::PresetLibrary::installed().resolve(preset.toStdString());  // an unknown name throws before anything changes
    launch_->setPreset(preset);  // cpu-r18-demo: its regions separate within the first minutes on 2 cores
    launch_->setDataFolder(dataFolder);
    launch_->setRunName("demo-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
    RunQueue::Launch l;
    l.config = launch_->config();
    for (const QString& a : assignments) fra::ConfigSchema::instance().applyAssignment(l.config, a.toStdString());
    if (steps > 0) l.config.run.maxSteps = steps;  // else the preset's whole (short) schedule
    openRegionsOnStart_ = true;
    l.runDir = QDir(launch_->runsFolder()).filePath("demo-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
    queue_->enqueue(l);
    launch_->setRunName("cpu-r18-" + QDateTime::currentDateTime().addSecs(1).toString("yyyyMMdd-HHmmss"));
}

void MainWindow::openRun(const QString& runPath) {
    const QString path = QDir(runPath).absolutePath();
    showRuns({path});
    browser_->select(path);  // when the catalog already lists it
    tabs_->setCurrentWidget(heatmaps_);
}

void MainWindow::saveScreenshots(const QString& folder) {
    QDir().mkpath(folder);
    const int current = tabs_->currentIndex();
    const char* names[] = {"launch", "monitor", "heatmaps", "evaluation", "log"};
    for (int i = 0; i < tabs_->count() && i < 5; ++i) {
        tabs_->setCurrentIndex(i);
        QApplication::processEvents();
        if (tabs_->widget(i) == plots_) plots_->redrawNow();
        grab().save(QString("%1/%2.png").arg(folder, names[i]));
    }
    tabs_->setCurrentIndex(current);
}

void MainWindow::shutDown(const QString& reason) {
    if (shuttingDown_) {
        log_->appendPlainText(tr("[workbench] %1 again: still stopping the training (SIGKILL ends at once, losing the steps since the last checkpoint)").arg(reason));
        return;
    }
    shuttingDown_ = true;
    queue_->hold();
    evaluations_->stop();
    if (!bridge_->busy()) {
        QApplication::quit();
        return;
    }
    log_->appendPlainText(tr("[workbench] %1: stopping the training after this step, with a checkpoint, then quitting").arg(reason));
    std::fprintf(stderr, "fra-workbench: %s: stopping the training after this step, with a checkpoint\n", qPrintable(reason));
    stateLabel_->setText(tr("stopping to quit…"));
    connect(bridge_, &TrainingBridge::finished, qApp, &QApplication::quit, Qt::QueuedConnection);
    connect(bridge_, &TrainingBridge::launchFailed, qApp, &QApplication::quit, Qt::QueuedConnection);
    bridge_->stop();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (bridge_->busy() && !shuttingDown_) {
        const auto answer = QMessageBox::question(this, tr("A run is training"),
                                                  tr("Stop it (with a checkpoint, resumable later) and quit?"));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    QSettings().setValue("geometry", saveGeometry());
    event->accept();
}

}  // namespace fraui
