#include "data/CatalogScanner.h"

#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "data/LivenessSettings.h"
#include "remote/RemoteRun.h"
#include "run/RunNotes.h"
#include "run/RunOverview.h"
#include "slurm/SlurmJob.h"

#include <QDir>
#include <cmath>

namespace fraui {

struct CatalogScanner::Tracked {
    std::unique_ptr<fra::MetricsReader> reader;
    double best = qQNaN(), last = qQNaN();
};

CatalogScanner::CatalogScanner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<QVector<fraui::RunSummary>>("QVector<fraui::RunSummary>");
}

CatalogScanner::~CatalogScanner() = default;

// The queue state of every submitted run's job, in one squeue call per scan.
// A mirror's job is asked of the squeue of its host, by the mirror (slurm/queue.txt).
void CatalogScanner::describeSlurmJobs(QVector<RunSummary>& runs) {
    std::vector<std::string> ids;
    for (const auto& r : runs)
        if (!r.slurmJobId.isEmpty() && r.remoteHost.isEmpty()) ids.push_back(r.slurmJobId.toStdString());
    const auto local = ids.empty() ? std::map<std::string, fra::SlurmJobState>{} : fra::slurmJobStates(ids);
    for (auto& r : runs) {
        if (r.slurmJobId.isEmpty()) continue;
        if (r.remoteHost.isEmpty() && !local) {
            r.job = tr("%1: state unknown (squeue failed)").arg(r.slurmJobId);
            continue;
        }
        std::map<std::string, fra::SlurmJobState> mirrored;
        if (!r.remoteHost.isEmpty()) {
            const auto state = fra::mirroredSlurmJobState(r.path.toStdString(), r.slurmJobId.toStdString());
            if (!state) continue;  // not fetched yet
            if (!state->state.empty()) mirrored[r.slurmJobId.toStdString()] = *state;
        }
        const auto& states = r.remoteHost.isEmpty() ? *local : mirrored;
        const auto found = states.find(r.slurmJobId.toStdString());
        r.slurmState = found == states.end() ? QString() : QString::fromStdString(found->second.state);
        r.slurmJobActive = found != states.end() && !found->second.finished();
        r.job = found == states.end() ? tr("%1: left the queue").arg(r.slurmJobId)
                                      : QString("%1: %2").arg(r.slurmJobId, QString::fromStdString(found->second.describe()));
        if (r.slurmRequeues > 0) r.job = tr("%1, requeued %2×").arg(r.job).arg(r.slurmRequeues);
        if (r.state == "submitted" && r.slurmJobActive) {
            r.state = QStringLiteral("queued");
            r.stateText = tr("queued");
        } else if (r.state == "submitted") {
            r.message = tr("job %1 is no longer queued and never started the run: see its log in %2/slurm").arg(r.slurmJobId, r.path);
        }
    }
}

void CatalogScanner::scan(const QStringList& folders) {
    std::vector<std::filesystem::path> folderPaths;
    for (const auto& folder : folders) folderPaths.push_back(folder.toStdString());
    QStringList runPaths;  // runs, and Slurm submissions whose job has not started the run yet
    for (const auto& run : fra::findRuns(folderPaths)) runPaths << QString::fromStdString(run.string());
    QVector<RunSummary> out;
    const fra::LivenessPolicy policy = livenessPolicy();
    for (const auto& path : runPaths) {
        RunSummary s;
        s.path = path;
        s.name = QDir(path).dirName();
        try {
            s.slurmJobId = QString::fromStdString(fra::submittedSlurmJobId(path.toStdString()));
            if (!fra::RunDirectory::looksLikeRun(path.toStdString())) {  // submitted, not started: the queue tells the rest
                s.state = "submitted";
                s.stateText = tr("submitted");
                if (fra::RemoteRunEntry::exists(path.toStdString()))
                    s.remoteHost = QString::fromStdString(fra::RemoteRunEntry::read(path.toStdString()).host.alias);
                out.push_back(s);
                continue;
            }
            const auto run = fra::RunDirectory::open(path.toStdString());
            const fra::RunStatus status = run.readStatus();
            s.preset = QString::fromStdString(status.preset);
            const fra::LivenessVerdict verdict = fra::judgeLiveness(run.root(), status, policy, &liveness_);
            s.live = verdict.live();
            s.state = QString::fromStdString(verdict.state);
            s.stateText = QString::fromStdString(verdict.describe());
            s.host = QString::fromStdString(verdict.host);
            s.heartbeatAge = verdict.heartbeatAge;
            s.resumable = !s.live && status.state != "finished";
            s.resumeNeedsForce = verdict.liveness == fra::Liveness::Interrupted && !verdict.provablyGone;
            if (verdict.heartbeat) s.step = std::max<qint64>(s.step, verdict.heartbeat->step);
            if (fra::RemoteRunEntry::exists(run.root())) {
                s.resumable = false;  // a mirror: the run is resumed where it trains
                try {
                    s.remoteHost = QString::fromStdString(fra::RemoteRunEntry::read(run.root()).host.alias);
                } catch (const std::exception& e) {
                    s.message = e.what();
                }
            }
            s.message = QString::fromStdString(status.message);
            for (const auto& stop : status.slurmStops) s.slurmRequeues += stop.value("requeued", false) ? 1 : 0;
            s.step = status.step;
            s.totalSteps = status.totalSteps;
            const fra::RunNotes notes = fra::RunNotes::load(run.root());
            s.notes = QString::fromStdString(notes.notes);
            for (const auto& t : notes.tags) s.tags << QString::fromStdString(t);
            auto& t = tracked_[path];
            if (!t) {
                t = std::make_unique<Tracked>();
                t->reader = std::make_unique<fra::MetricsReader>(run.metricsFile());
            }
            const auto update = t->reader->poll();
            if (update.reset) t->best = qQNaN();
            for (const auto& r : update.records) {
                if (!std::isfinite(r.loss)) continue;
                if (std::isnan(t->best) || r.loss < t->best) t->best = r.loss;
                t->last = r.loss;
            }
            s.bestLoss = t->best;
            s.lastLoss = t->last;
            if (!update.records.empty()) s.step = std::max<qint64>(s.step, update.records.back().step);
        } catch (const std::exception& e) {
            s.state = "unreadable";
            s.stateText = tr("unreadable");
            s.message = e.what();
        }
        out.push_back(s);
    }
    describeSlurmJobs(out);
    emit scanned(out);
}

}  // namespace fraui
