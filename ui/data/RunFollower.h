#pragma once
#include "data/RunSeries.h"

#include "run/RunLiveness.h"

#include <QObject>
#include <QTimer>
#include <map>
#include <memory>

namespace fra {
class MetricsReader;
}

namespace fraui {

// Follows run directories on disk — the contract between training and display — whether the
// run trains in this process or was started by `fra` elsewhere. Lives on a worker thread; every
// poll reads only what was appended and reports it through queued signals, so file I/O never
// blocks the GUI thread.
class RunFollower : public QObject {
    Q_OBJECT
public:
    explicit RunFollower(QObject* parent = nullptr);
    ~RunFollower() override;

public slots:
    void follow(const QString& runPath);
    void unfollow(const QString& runPath);
    void setInterval(int milliseconds);
    void pollNow();

signals:
    void recordsAppended(const QString& runPath, const QVector<fra::StepRecord>& records, bool reset);
    void statusChanged(const QString& runPath, const QString& state, const QString& message, qint64 step, qint64 totalSteps, bool live);
    void heatmapsChanged(const QString& runPath);

private:
    struct Followed;
    void poll(const QString& path, Followed& f);
    QTimer* timer_ = nullptr;
    int interval_ = 250;
    std::map<QString, std::unique_ptr<Followed>> runs_;
    fra::LivenessMemory liveness_;
};

}  // namespace fraui
