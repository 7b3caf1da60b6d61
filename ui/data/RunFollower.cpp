#include "data/RunFollower.h"

#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "data/LivenessSettings.h"

#include <QFileInfo>

namespace fraui {

struct RunFollower::Followed {
    std::unique_ptr<fra::MetricsReader> metrics;
    QDateTime statusTime;
    qint64 heatmapIndexSize = -1;
    bool active = false;      // run.json claims a process trains it: liveness is judged on every poll
    QString shownState;
};

RunFollower::RunFollower(QObject* parent) : QObject(parent) {
    qRegisterMetaType<QVector<fra::StepRecord>>("QVector<fra::StepRecord>");
}

RunFollower::~RunFollower() = default;

void RunFollower::setInterval(int milliseconds) {
    interval_ = std::max(50, milliseconds);
    if (timer_) timer_->setInterval(interval_);
}

void RunFollower::follow(const QString& runPath) {
    if (!timer_) {  // created here, on the follower's thread
        timer_ = new QTimer(this);
        connect(timer_, &QTimer::timeout, this, &RunFollower::pollNow);
        timer_->start(interval_);
    }
    if (runs_.count(runPath)) return;
    auto f = std::make_unique<Followed>();
    f->metrics = std::make_unique<fra::MetricsReader>(std::filesystem::path(runPath.toStdString()) / "metrics.jsonl");
    poll(runPath, *f);
    runs_[runPath] = std::move(f);
}

void RunFollower::unfollow(const QString& runPath) { runs_.erase(runPath); }

void RunFollower::pollNow() {
    for (auto& [path, f] : runs_) poll(path, *f);
}

void RunFollower::poll(const QString& path, Followed& f) {
    const std::filesystem::path root(path.toStdString());
    const fra::MetricsReader::Update update = f.metrics->poll();
    if (update.reset || !update.records.empty())
        emit recordsAppended(path, QVector<fra::StepRecord>(update.records.begin(), update.records.end()), update.reset);

    const QFileInfo status(path + "/run.json");
    if (status.exists() && (status.lastModified() != f.statusTime || f.active)) {
        try {
            const fra::RunStatus s = fra::RunDirectory::open(root).readStatus();
            const bool rewritten = status.lastModified() != f.statusTime;
            f.statusTime = status.lastModified();
            f.active = s.claimsActive();
            // running here or elsewhere while its heartbeat is fresh; interrupted once nobody trains it
            const fra::LivenessVerdict verdict = fra::judgeLiveness(root, s, livenessPolicy(), &liveness_);
            const QString shown = QString::fromStdString(verdict.describe());
            if (shown != f.shownState || rewritten) {
                f.shownState = shown;
                QString message = QString::fromStdString(s.message);
                if (!verdict.local && verdict.heartbeat && verdict.liveness != fra::Liveness::Inactive) message = shown;
                emit statusChanged(path, QString::fromStdString(verdict.state), message, s.step, s.totalSteps, verdict.live());
            }
        } catch (const std::exception&) {
            // being replaced right now: the next poll reads it
        }
    }
    const QFileInfo index(path + "/heatmaps/index.jsonl");
    const qint64 size = index.exists() ? index.size() : 0;
    if (size != f.heatmapIndexSize) {
        f.heatmapIndexSize = size;
        emit heatmapsChanged(path);  // the heatmap view reads the index itself
    }
}

}  // namespace fraui
