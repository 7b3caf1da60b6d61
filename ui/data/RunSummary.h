#pragma once
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace fraui {

// One row of the run browser.
struct RunSummary {
    QString path;
    QString name;
    QString preset;
    QString state;     // created, running, paused, stopped, finished, failed, late, interrupted, unreadable
    QString stateText; // as shown: "running on gpu7", "running on gpu7, no heartbeat for 2 min 5 s", ...
    QString host;      // where it trains or trained
    double heartbeatAge = -1;  // seconds (-1: no heartbeat)
    bool resumable = false;    // nobody trains it and it is not finished
    bool resumeNeedsForce = false;  // its heartbeat from another machine is past the threshold, not proof of death
    QString message;
    qint64 step = 0;
    qint64 totalSteps = 0;
    double bestLoss = qQNaN();
    double lastLoss = qQNaN();
    QString notes;
    QStringList tags;
    QString remoteHost;  // a local mirror of a run on this ssh host (remote.json)
    bool live = false;  // a process trains it, here (lock) or on another machine (fresh or late heartbeat)
    // a run submitted to Slurm: its job, the job's state in the queue and how often it requeued itself
    QString slurmJobId;
    QString slurmState;     // PENDING, RUNNING, COMPLETED, ... (squeue); empty when the queue no longer lists it
    int slurmRequeues = 0;  // stops on the job's signal after which it requeued itself (run.json)
    QString job;            // as shown: "12: PENDING (BeginTime)", "12: RUNNING, requeued 1×", "12: left the queue"
    bool slurmJobActive = false;  // pending or running: Stop can act on it
};

}  // namespace fraui

Q_DECLARE_METATYPE(fraui::RunSummary)
Q_DECLARE_METATYPE(QVector<fraui::RunSummary>)
