#pragma once
#include "config/FraConfig.h"
#include "data/RunSeries.h"

#include <QObject>
#include <QString>
#include <memory>
#include <mutex>
#include <thread>

namespace fra {
class Trainer;
}

namespace fraui {

// The one place where the GUI meets the training core: it owns a fra::Trainer (whose header
// is LibTorch-free), creates it off the GUI thread, and turns the trainer thread's observer
// callbacks into queued Qt signals. Training itself runs on the core's own thread.
class TrainingBridge : public QObject {
    Q_OBJECT
public:
    explicit TrainingBridge(QObject* parent = nullptr);
    ~TrainingBridge() override;  // stops a running training (it checkpoints) and waits

    bool busy() const;
    // Stops a running training after its current step and waits until it has checkpointed and
    // marked the run stopped; returns whether one was running. Blocks the calling (GUI) thread.
    bool stopAndWait();
    QString runPath() const;
    QString state() const { return state_; }
    qint64 endStep() const;  // where the running training stops (0 when none runs)

public slots:
    // Asynchronous: the run starts, or launchFailed() says why (nothing is left on disk then).
    void startNew(const fra::FraConfig& config, const QString& runDir);
    void resumeRun(const QString& runDir, qint64 maxSteps = 0, bool force = false);
    void pause();
    void resume();
    void stop();

signals:
    void started(const QString& runPath);
    void launchFailed(const QString& runPath, const QString& message);
    void stepRecorded(const QString& runPath, const fra::StepRecord& record);
    void heatmapSnapshot(const QString& runPath, qint64 step);
    void stateChanged(const QString& runPath, const QString& state, const QString& message);
    void logLine(const QString& runPath, const QString& level, const QString& message);
    // The training thread ended: finished, stopped or failed (message says why).
    void finished(const QString& runPath, const QString& state, const QString& message);

private:
    class Observer;
    void launch(std::function<std::unique_ptr<fra::Trainer>()> make, const QString& runPath);
    void adopt(std::shared_ptr<fra::Trainer> trainer, const QString& runPath);
    void onEnded(const QString& state, const QString& message);

    std::shared_ptr<fra::Trainer> trainer_;
    std::unique_ptr<Observer> observer_;
    std::thread launcher_;
    QString runPath_;
    QString state_ = "idle";
    bool launching_ = false;
    bool stopRequested_ = false;  // also honoured by a trainer still being created
};

}  // namespace fraui
