#pragma once
#include <cstdint>
#include "downstream/EvalConfig.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <thread>

namespace fra {
class DatasetRegistry;
class DownstreamEvaluation;
}

namespace fraui {

// Runs downstream evaluations (linear probe, fine-tuning, heatmap read-out) of the core on a
// worker thread and reports their per-epoch records and results as queued signals.
class EvaluationBridge : public QObject {
    Q_OBJECT
public:
    explicit EvaluationBridge(QObject* parent = nullptr);
    ~EvaluationBridge() override;

    const fra::DatasetRegistry& registry() const { return *registry_; }
    QStringList formats() const;  // plugin ids
    bool busy() const { return busy_; }
    // Where an evaluation of `model` on `datasetSpec` goes (throws nothing: empty on error).
    static QString evalDirFor(const QString& model, const QString& datasetSpec, const QString& protocol, const QString& fallbackRoot,
                              const fra::DatasetRegistry& registry, std::uint64_t seed = 0);

public slots:
    void start(const QString& model, const QString& datasetSpec, const fra::EvalConfig& config, const QString& fallbackRoot);
    void startHeatmapQuality(const QString& model, const QString& datasetSpec, const fra::EvalConfig& config, const QString& fallbackRoot);
    void stop();

signals:
    void started(const QString& evalDir);
    void record(const QString& evalDir, const QJsonObject& record);
    void logLine(const QString& evalDir, const QString& line);
    void finished(const QString& evalDir, const QJsonObject& result);
    void failed(const QString& evalDir, const QString& message);

private:
    void run(std::function<void(const QString& evalDir)> job, const QString& evalDir);
    std::unique_ptr<fra::DatasetRegistry> registry_;
    std::thread worker_;
    std::atomic<bool> busy_{false};
    std::atomic<bool> stop_{false};
    std::shared_ptr<fra::DownstreamEvaluation> current_;
};

}  // namespace fraui
