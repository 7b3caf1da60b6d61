#include "bridge/HeatmapInference.h"

#include "train/HeatmapProbe.h"
#include "train/ModelLoader.h"
#include "util/QtImage.h"

#include <QMetaObject>

namespace fraui {

HeatmapInference::HeatmapInference(QObject* parent) : QObject(parent) {}

HeatmapInference::~HeatmapInference() {
    if (worker_.joinable()) worker_.join();
}

void HeatmapInference::compute(const QString& model, const QVector<QImage>& images, const QString& tag) {
    if (worker_.joinable()) worker_.join();
    worker_ = std::thread([this, model, images, tag] {
        try {
            const fra::LoadedModel loaded = fra::loadTrainedModel(model.toStdString());
            std::vector<cv::Mat> crops;
            for (const auto& image : images) crops.push_back(toRgbMat(image));
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

}  // namespace fraui
