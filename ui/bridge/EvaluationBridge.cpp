#include "bridge/EvaluationBridge.h"

#include "downstream/DatasetRegistry.h"
#include "downstream/DownstreamEvaluation.h"
#include "util/ShutdownGuard.h"

#include <QJsonDocument>
#include <QMetaObject>

namespace fraui {

namespace {
QJsonObject toQt(const nlohmann::json& j) { return QJsonDocument::fromJson(QByteArray::fromStdString(j.dump())).object(); }
}  // namespace

EvaluationBridge::EvaluationBridge(QObject* parent) : QObject(parent), registry_(std::make_unique<fra::DatasetRegistry>()) {
    ShutdownGuard::registerWorker(this, [this] {
        if (!worker_.joinable()) return false;
        stop();  // the evaluation ends after its current epoch (its result is not written)
        worker_.join();
        return true;
    });
}

EvaluationBridge::~EvaluationBridge() {
    ShutdownGuard::unregisterWorker(this);
    stop();
    if (worker_.joinable()) worker_.join();
}

QStringList EvaluationBridge::formats() const {
    QStringList out;
    for (const auto* f : registry_->formats()) out << QString::fromStdString(f->id());
    return out;
}

QString EvaluationBridge::evalDirFor(const QString& model, const QString& spec, const QString& protocol, const QString& fallbackRoot,
                                     const fra::DatasetRegistry& registry, std::uint64_t seed) {
    try {
        std::filesystem::path root;
        const auto& format = registry.resolve(spec.toStdString(), root);
        fra::DownstreamDataset d;
        d.format = format.id();
        d.root = root.string();
        return QString::fromStdString(
            fra::DownstreamEvaluation::evalDirFor(model.toStdString(), d, protocol.toStdString(), fallbackRoot.toStdString(), seed).string());
    } catch (const std::exception&) {
        return {};
    }
}

void EvaluationBridge::run(std::function<void(const QString&)> job, const QString& evalDir) {
    if (worker_.joinable()) worker_.join();
    busy_ = true;
    stop_ = false;
    emit started(evalDir);
    worker_ = std::thread([this, job = std::move(job), evalDir] {
        try {
            job(evalDir);
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what()).section('\n', 0, 0);
            busy_ = false;
            QMetaObject::invokeMethod(this, [this, evalDir, message] { emit failed(evalDir, message); }, Qt::QueuedConnection);
        }
        busy_ = false;
    });
}

void EvaluationBridge::start(const QString& model, const QString& spec, const fra::EvalConfig& config, const QString& fallbackRoot) {
    if (busy_) return;
    const QString dir = evalDirFor(model, spec, QString::fromStdString(config.protocol), fallbackRoot, *registry_, config.seed);
    run(
        [this, model, spec, config, dir](const QString&) {
            const fra::DownstreamDataset dataset = registry_->load(spec.toStdString(), config.allowMissingImages);
            if (dir.isEmpty()) throw std::runtime_error(tr("no evaluation folder for this model: choose an output folder").toStdString());
            auto evaluation = std::make_shared<fra::DownstreamEvaluation>(
                fra::DownstreamJob{model.toStdString(), spec.toStdString(), config, dir.toStdString()}, dataset);
            evaluation->onRecord([this, dir](const nlohmann::json& r) {
                QMetaObject::invokeMethod(this, [this, dir, r = toQt(r)] { emit record(dir, r); }, Qt::QueuedConnection);
            });
            evaluation->onLog([this, dir](const std::string& line) {
                QMetaObject::invokeMethod(this, [this, dir, l = QString::fromStdString(line)] { emit logLine(dir, l); }, Qt::QueuedConnection);
            });
            std::atomic_store(&current_, evaluation);  // stop() reads it on the GUI thread
            if (stop_) evaluation->requestStop();
            const nlohmann::json result = evaluation->run();
            std::atomic_store(&current_, std::shared_ptr<fra::DownstreamEvaluation>());
            busy_ = false;  // before the signal: its receiver may start the next evaluation at once
            QMetaObject::invokeMethod(this, [this, dir, r = toQt(result)] { emit finished(dir, r); }, Qt::QueuedConnection);
        },
        dir);
}

void EvaluationBridge::startHeatmapQuality(const QString& model, const QString& spec, const fra::EvalConfig& config,
                                           const QString& fallbackRoot) {
    if (busy_) return;
    const QString dir = evalDirFor(model, spec, "heatmap-regression", fallbackRoot, *registry_);
    run(
        [this, model, spec, config, dir](const QString&) {
            const fra::DownstreamDataset dataset = registry_->load(spec.toStdString(), config.allowMissingImages);
            const nlohmann::json result = fra::runHeatmapQuality(model.toStdString(), spec.toStdString(), dataset, config, dir.toStdString());
            busy_ = false;
            QMetaObject::invokeMethod(this, [this, dir, r = toQt(result)] { emit finished(dir, r); }, Qt::QueuedConnection);
        },
        dir);
}

void EvaluationBridge::stop() {
    stop_ = true;
    if (auto e = std::atomic_load(&current_)) e->requestStop();
}

}  // namespace fraui
