#include "data/RemoteMirror.h"

#include "remote/RemoteRun.h"
#include "run/RunDirectory.h"
#include "run/RunOverview.h"
#include "slurm/SlurmJob.h"

#include <QSettings>

namespace fraui {

int remoteMirrorIntervalMs() { return std::max(1000, QSettings().value("remote/mirrorMs", 10000).toInt()); }

RemoteMirror::RemoteMirror(QObject* parent) : QObject(parent) {}

void RemoteMirror::setFolders(const QStringList& folders) {
    folders_ = folders;
    if (!timer_) {  // created here, on the mirror's thread
        timer_ = new QTimer(this);
        connect(timer_, &QTimer::timeout, this, &RemoteMirror::mirrorNow);
        timer_->start(interval_);
        mirrorNow();
    }
}

void RemoteMirror::setInterval(int milliseconds) {
    interval_ = std::max(200, milliseconds);
    if (timer_) timer_->setInterval(interval_);
}

void RemoteMirror::mirrorNow() {
    std::vector<std::filesystem::path> folders;
    for (const auto& f : folders_) folders.emplace_back(f.toStdString());
    for (const auto& run : fra::findRuns(folders)) {
        if (cancelled_) return;
        if (!fra::RemoteRunEntry::exists(run)) continue;
        const QString path = QString::fromStdString(run.string());
        if (finished_[path]) continue;
        fra::MirrorReport report;
        try {
            report = fra::mirrorRemoteRun(run);
        } catch (const std::exception& e) {  // an unreadable remote.json
            report.error = e.what();
        }
        if (report.reached) {
            try {
                // a Slurm job may requeue a stopped run, or has not started it yet: followed while the
                // host's queue holds the job
                const auto job = fra::mirroredSlurmJobState(run, fra::submittedSlurmJobId(run));
                const bool jobActive = job && !job->state.empty() && !job->finished();
                const bool jobGone = job && !jobActive;
                if (!fra::RunDirectory::looksLikeRun(run)) {
                    finished_[path] = jobGone;  // a submission whose job left the queue without starting the run
                } else {
                    const fra::RunStatus status = fra::RunDirectory::open(run).readStatus();
                    finished_[path] = !jobActive && !status.claimsActive() && status.state != "created";
                }
            } catch (const std::exception&) {
                // being replaced: the next pass reads it
            }
        }
        emit mirrored(path, report.reached, QString::fromStdString(report.error));
    }
}

}  // namespace fraui
