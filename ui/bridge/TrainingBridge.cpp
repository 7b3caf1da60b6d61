#include "bridge/TrainingBridge.h"

#include "data/LivenessSettings.h"
#include "run/RunDirectory.h"
#include "train/Trainer.h"
#include "util/ShutdownGuard.h"

#include <QMetaObject>

namespace fraui {

class TrainingBridge::Observer : public fra::TrainingObserver {
public:
    Observer(TrainingBridge* bridge, QString path) : bridge_(bridge), path_(std::move(path)) {}
    void onStep(const fra::StepRecord& r) override {
        QMetaObject::invokeMethod(bridge_, [b = bridge_, p = path_, r] { emit b->stepRecorded(p, r); }, Qt::QueuedConnection);
    }
    void onHeatmaps(const fra::HeatmapSnapshot& s) override {
        QMetaObject::invokeMethod(bridge_, [b = bridge_, p = path_, step = s.step] { emit b->heatmapSnapshot(p, step); }, Qt::QueuedConnection);
    }
    void onLog(const std::string& level, const std::string& message) override {
        QMetaObject::invokeMethod(
            bridge_,
            [b = bridge_, p = path_, l = QString::fromStdString(level), m = QString::fromStdString(message)] { emit b->logLine(p, l, m); },
            Qt::QueuedConnection);
    }
    void onStateChanged(fra::RunState state, const std::string& message) override {
        const QString s = fra::toString(state), m = QString::fromStdString(message);
        const bool ended = state == fra::RunState::Finished || state == fra::RunState::Stopped || state == fra::RunState::Failed;
        QMetaObject::invokeMethod(
            bridge_,
            [b = bridge_, p = path_, s, m, ended] {
                b->state_ = s;
                emit b->stateChanged(p, s, m);
                if (ended) b->onEnded(s, m);
            },
            Qt::QueuedConnection);
    }

private:
    TrainingBridge* bridge_;
    QString path_;
};

TrainingBridge::TrainingBridge(QObject* parent) : QObject(parent) {
    qRegisterMetaType<fra::StepRecord>("fra::StepRecord");
    ShutdownGuard::registerWorker(this, [this] { return stopAndWait(); });
}

TrainingBridge::~TrainingBridge() {
    ShutdownGuard::unregisterWorker(this);
    stopAndWait();
}

bool TrainingBridge::stopAndWait() {
    stopRequested_ = true;
    if (launcher_.joinable()) launcher_.join();
    if (!trainer_) return false;
    const fra::RunState before = trainer_->state();
    if (before == fra::RunState::Finished || before == fra::RunState::Stopped || before == fra::RunState::Failed) return false;
    trainer_->requestStop();
    trainer_->wait();  // the trainer wrote its checkpoint and marked the run stopped
    return true;
}

bool TrainingBridge::busy() const { return launching_ || trainer_ != nullptr; }
QString TrainingBridge::runPath() const { return runPath_; }
qint64 TrainingBridge::endStep() const { return trainer_ ? trainer_->endStep() : 0; }

void TrainingBridge::launch(std::function<std::unique_ptr<fra::Trainer>()> make, const QString& runPath) {
    if (busy()) {
        emit launchFailed(runPath, tr("a training is already running in this window"));
        return;
    }
    if (launcher_.joinable()) launcher_.join();
    launching_ = true;
    stopRequested_ = false;
    runPath_ = runPath;
    state_ = "starting";
    launcher_ = std::thread([this, make = std::move(make), runPath] {
        try {
            std::shared_ptr<fra::Trainer> trainer = make();
            QMetaObject::invokeMethod(this, [this, trainer, runPath] { adopt(trainer, runPath); }, Qt::QueuedConnection);
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what()).section('\n', 0, 0);
            QMetaObject::invokeMethod(
                this,
                [this, runPath, message] {
                    launching_ = false;
                    state_ = "idle";
                    emit launchFailed(runPath, message);
                },
                Qt::QueuedConnection);
        }
    });
}

void TrainingBridge::adopt(std::shared_ptr<fra::Trainer> trainer, const QString& runPath) {
    launching_ = false;
    trainer_ = std::move(trainer);
    observer_ = std::make_unique<Observer>(this, runPath);
    trainer_->addObserver(observer_.get());
    trainer_->start();
    if (stopRequested_) trainer_->requestStop();  // asked to stop while it was being created
    emit started(runPath);
}

void TrainingBridge::startNew(const fra::FraConfig& config, const QString& runDir) {
    launch([config, dir = runDir.toStdString()] { return fra::Trainer::create(config, dir); }, runDir);
}

void TrainingBridge::resumeRun(const QString& runDir, qint64 maxSteps, bool force) {
    launch([dir = runDir.toStdString(), maxSteps, force, policy = livenessPolicy()] { return fra::Trainer::resume(dir, maxSteps, policy, force); },
           runDir);
}

void TrainingBridge::pause() {
    if (trainer_) trainer_->pause();
}

void TrainingBridge::resume() {
    if (trainer_) trainer_->resume();
}

void TrainingBridge::stop() {
    stopRequested_ = true;
    if (trainer_) trainer_->requestStop();
}

void TrainingBridge::onEnded(const QString& state, const QString& message) {
    if (trainer_) trainer_->wait();  // the thread has ended: joins at once
    trainer_.reset();
    observer_.reset();
    state_ = "idle";
    emit finished(runPath_, state, message);
}

}  // namespace fraui
