#include "bridge/HeatmapInference.h"

#include "train/HeatmapProbe.h"
#include "train/ModelLoader.h"
#include "util/QtImage.h"

#include <QMetaObject>

namespace fraui {

HeatmapInference::HeatmapInference(QObject* parent) : QObject(parent), worker_([this] { work(); }) {}

HeatmapInference::~HeatmapInference() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        jobs_.clear();
    }
    wake_.notify_all();
    worker_.join();
}

void HeatmapInference::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

void HeatmapInference::compute(const QString& model, const QVector<QImage>& images, const QString& tag) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_.push_back([this, model, images, tag] {
            try {
                const fra::LoadedModel loaded = fra::loadTrainedModel(model.toStdString());
                std::vector<fra::jpeg::RgbImage> crops;
                for (const auto& image : images) crops.push_back(toRgbImage(image));
                const fra::NpyArray maps = fra::computeHeatmaps(*loaded.model, crops, loaded.config.data);
                QVector<float> data(maps.data.begin(), maps.data.end());
                const auto& s = maps.shape;
                QMetaObject::invokeMethod(
                    this, [this, tag, data, s, step = loaded.step] { emit computed(tag, data, int(s[0]), int(s[1]), int(s[2]), int(s[3]), step); },
                    Qt::QueuedConnection);
            } catch (const std::exception& e) {
                QMetaObject::invokeMethod(this, [this, tag, m = QString::fromStdString(e.what()).section('\n', 0, 0)] { emit failed(tag, m); },
                                          Qt::QueuedConnection);
            }
        });
    }
    wake_.notify_one();
}

}  // namespace fraui
