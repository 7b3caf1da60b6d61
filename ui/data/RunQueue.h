#pragma once
#include "config/FraConfig.h"

#include <QObject>
#include <QString>
#include <QVector>

namespace fraui {

class TrainingBridge;

// Runs launched from the GUI, one after the other: a new run or a resumed one waits while
// another trains, and starts when that one ends (finished, stopped or failed).
class RunQueue : public QObject {
    Q_OBJECT
public:
    struct Launch {
        fra::FraConfig config;
        QString runDir;
        bool resume = false;
        qint64 maxSteps = 0;
        bool force = false;  // resume although the run's heartbeat from another machine is only stale
        QString describe() const;
    };

    explicit RunQueue(TrainingBridge* bridge, QObject* parent = nullptr);
    void enqueue(const Launch& launch);
    const QVector<Launch>& pending() const { return pending_; }
    void remove(int index);
    // Starts nothing more (the workbench is shutting down); pending launches stay listed.
    void hold() { held_ = true; }

signals:
    void changed();

private:
    void startNext();
    TrainingBridge* bridge_;
    QVector<Launch> pending_;
    bool held_ = false;
};

}  // namespace fraui
