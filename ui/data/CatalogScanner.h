#pragma once
#include "data/RunSummary.h"

#include <QObject>
#include <QStringList>
#include <map>
#include <memory>

#include "run/RunLiveness.h"

namespace fra {
class MetricsReader;
}

namespace fraui {

// Finds the runs in a set of folders (a folder that is a run, or whose children are) and
// summarises them; runs on a worker thread, reading each metrics log incrementally.
class CatalogScanner : public QObject {
    Q_OBJECT
public:
    explicit CatalogScanner(QObject* parent = nullptr);
    ~CatalogScanner() override;

public slots:
    void scan(const QStringList& folders);

signals:
    void scanned(const QVector<fraui::RunSummary>& runs);

private:
    void describeSlurmJobs(QVector<RunSummary>& runs);
    struct Tracked;
    std::map<QString, std::unique_ptr<Tracked>> tracked_;
    fra::LivenessMemory liveness_;  // heartbeat sequences seen by this scanner
};

}  // namespace fraui
