#include "data/CatalogScanner.h"

#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "data/LivenessSettings.h"
#include "remote/RemoteRun.h"
#include "run/RunNotes.h"

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

void CatalogScanner::scan(const QStringList& folders) {
    QStringList runPaths;
    for (const auto& folder : folders) {
        if (fra::RunDirectory::looksLikeRun(folder.toStdString())) {
            runPaths << QDir(folder).absolutePath();
            continue;
        }
        for (const auto& child : QDir(folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            if (fra::RunDirectory::looksLikeRun(child.absoluteFilePath().toStdString())) runPaths << child.absoluteFilePath();
    }
    runPaths.removeDuplicates();
    QVector<RunSummary> out;
    const fra::LivenessPolicy policy = livenessPolicy();
    for (const auto& path : runPaths) {
        RunSummary s;
        s.path = path;
        s.name = QDir(path).dirName();
        try {
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
            s.state = s.stateText = "unreadable";
            s.message = e.what();
        }
        out.push_back(s);
    }
    emit scanned(out);
}

}  // namespace fraui
