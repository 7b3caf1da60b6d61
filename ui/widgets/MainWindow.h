#pragma once
#include <QMainWindow>
#include <QSet>
#include <QThread>
#include <QThreadPool>
#include <memory>

class QLabel;

namespace fra {
class ProgressEstimate;
}
class QTabWidget;
class QPlainTextEdit;

namespace fraui {

class EvaluationBridge;
class EvaluationPanel;
class HeatmapInference;
class HeatmapPanel;
class RemoteMirror;
class LaunchPanel;
class PlotPanel;
class RunBrowser;
class RunCatalog;
class RunFollower;
class RunQueue;
class TrainingBridge;

// The workbench: run browser on the left; launch, live curves, heatmaps, evaluation and log in
// tabs; device, threads, queue and training state in the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void setRunsFolder(const QString& folder);
    // Starts a pre-training of `preset` (the demo's cpu-r18-demo by default) on `dataFolder`,
    // with `assignments` (key=value, as `fra --set`) applied, for `steps` steps (0: the whole
    // schedule), monitored at once. Throws fra::FraError for an unknown preset or a bad assignment.
    void startDemo(const QString& dataFolder, qint64 steps, const QString& preset = "cpu-r18-demo",
                   const QStringList& assignments = {});
    // Shows one run (also one outside the runs folder) in every view, on the facial-regions view.
    void openRun(const QString& runPath);

    TrainingBridge* bridge() const { return bridge_; }
    RunCatalog* catalog() const { return catalog_; }
    LaunchPanel* launchPanel() const { return launch_; }
    PlotPanel* plotPanel() const { return plots_; }
    HeatmapPanel* heatmapPanel() const { return heatmaps_; }
    EvaluationPanel* evaluationPanel() const { return evaluation_; }
    EvaluationBridge* evaluationBridge() const { return evaluations_; }
    RunBrowser* runBrowser() const { return browser_; }
    QTabWidget* tabs() const { return tabs_; }
    // Saves a PNG of each main view into `folder` (tests, documentation).
    void saveScreenshots(const QString& folder);

    // Ends the workbench without losing the run: starts nothing more, stops a training after its
    // current step (it checkpoints and is marked stopped), then quits. For signals and logouts.
    void shutDown(const QString& reason);

signals:
    void remoteRunLaunched(const QString& cachePath);  // a run started on an ssh host is listed and mirrored
    void slurmJobSubmitted(const QString& runPath, const QString& jobId);  // sbatch took it

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void connectRunsElsewhere();  // ssh hosts and Slurm clusters (MainWindowElsewhere.cpp)
    void showRuns(const QStringList& runs);
    void onTrainingFinished(const QString& runPath, const QString& state, const QString& message);
    TrainingBridge* bridge_;
    RunQueue* queue_;
    RunCatalog* catalog_;
    RunFollower* follower_;
    QThread followerThread_;
    RemoteMirror* mirror_;
    QThread mirrorThread_;
    HeatmapInference* inference_;
    EvaluationBridge* evaluations_;
    RunBrowser* browser_;
    QTabWidget* tabs_;
    LaunchPanel* launch_;
    PlotPanel* plots_;
    HeatmapPanel* heatmaps_;
    EvaluationPanel* evaluation_;
    QPlainTextEdit* log_;
    QLabel *device_, *queueLabel_, *stateLabel_, *progressLabel_;
    std::unique_ptr<fra::ProgressEstimate> progress_;  // of the running training
    bool openRegionsOnStart_ = false;
    QStringList followed_;
    bool shuttingDown_ = false;
    // Slurm stops wait minutes for a checkpoint: a pool of their own keeps submissions and ssh
    // commands moving; a run being stopped is not stopped twice (a second SIGTERM skips the checkpoint)
    QThreadPool* slurmStops_;
    QSet<QString> stopping_;
};

}  // namespace fraui
