#include "data/RunQueue.h"

#include "bridge/TrainingBridge.h"

#include <QCoreApplication>
#include <QDir>
#include <QTimer>

namespace fraui {

QString RunQueue::Launch::describe() const {
    return resume ? QCoreApplication::translate("fraui::RunQueue", "resume %1").arg(QDir(runDir).dirName())
                  : QCoreApplication::translate("fraui::RunQueue", "new %1 (%2)").arg(QDir(runDir).dirName(), QString::fromStdString(config.preset));
}

RunQueue::RunQueue(TrainingBridge* bridge, QObject* parent) : QObject(parent), bridge_(bridge) {
    // the next run starts once the bridge is idle again
    connect(bridge_, &TrainingBridge::finished, this, [this] { QTimer::singleShot(0, this, &RunQueue::startNext); });
    connect(bridge_, &TrainingBridge::launchFailed, this, [this] { QTimer::singleShot(0, this, &RunQueue::startNext); });
}

void RunQueue::enqueue(const Launch& launch) {
    pending_.push_back(launch);
    emit changed();
    startNext();
}

void RunQueue::remove(int index) {
    if (index < 0 || index >= pending_.size()) return;
    pending_.removeAt(index);
    emit changed();
}

void RunQueue::startNext() {
    if (held_ || bridge_->busy() || pending_.isEmpty()) return;
    const Launch next = pending_.takeFirst();
    emit changed();
    if (next.resume) bridge_->resumeRun(next.runDir, next.maxSteps, next.force);
    else bridge_->startNew(next.config, next.runDir);
}

}  // namespace fraui
