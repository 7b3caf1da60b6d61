#include "widgets/HeatmapPane.h"

#include "heatmap/HeatmapRenderer.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "util/QtImage.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace fraui {

namespace {
constexpr int kDisplay = 160;  // displayed face side
}

HeatmapPane::HeatmapPane(QWidget* parent) : QWidget(parent), grid_(new QGridLayout), title_(new QLabel) {
    auto* layout = new QVBoxLayout(this);
    title_->setObjectName("paneTitle");
    layout->addWidget(title_);
    layout->addLayout(grid_);
    layout->addStretch();
}

void HeatmapPane::setRun(const QString& runPath) {
    run_ = runPath;
    faces_.clear();
    try {
        const auto run = fra::RunDirectory::open(runPath.toStdString());
        for (const auto& image : fra::ProbeSet::load(run).images) faces_.push_back(toQImage(image));
    } catch (const std::exception& e) {
        caption_ = QString("cannot read the probes: %1").arg(e.what());
    }
    steps_.clear();
    reloadSnapshots();
    if (!steps_.isEmpty()) showStep(steps_.last());
    else render();
}

void HeatmapPane::reloadSnapshots() {
    if (run_.isEmpty()) return;
    steps_.clear();
    files_.clear();
    try {
        for (const auto& e : fra::RunDirectory::open(run_.toStdString()).heatmapSnapshots()) {
            steps_.push_back(e.step);
            files_.push_back(QString::fromStdString(e.file.string()));
        }
    } catch (const std::exception&) {
    }
}

void HeatmapPane::showStep(qint64 step) {
    int index = -1;
    for (int i = 0; i < steps_.size(); ++i)
        if (steps_[i] <= step) index = i;
    if (index < 0) return;
    try {
        const fra::NpyArray a = fra::readNpy(files_[index].toStdString());
        if (a.shape.size() != 4) throw std::runtime_error("expected a 4-d array");
        n_ = int(a.shape[0]);
        const int k = int(a.shape[1]);
        h_ = int(a.shape[2]);
        w_ = int(a.shape[3]);
        maps_ = QVector<float>(a.data.begin(), a.data.end());
        step_ = steps_[index];
        caption_ = QString("%1 — step %2").arg(QFileInfo(run_).fileName()).arg(step_);
        if (k != k_) {
            k_ = k;
            visible_ = QVector<bool>(k_, true);
            emit regionsChanged(k_);
        }
    } catch (const std::exception& e) {
        caption_ = QString("cannot read %1: %2").arg(files_[index], e.what());
    }
    render();
}

void HeatmapPane::showMaps(const QVector<QImage>& images, const QVector<float>& maps, int n, int k, int h, int w, const QString& caption) {
    faces_ = images;
    maps_ = maps;
    n_ = n;
    h_ = h;
    w_ = w;
    step_ = -1;
    caption_ = caption;
    if (k != k_) {
        k_ = k;
        visible_ = QVector<bool>(k_, true);
        emit regionsChanged(k_);
    }
    render();
}

void HeatmapPane::setOpacity(double opacity) {
    opacity_ = opacity;
    render();
}

void HeatmapPane::setContrast(double power) {
    contrast_ = power;
    render();
}

void HeatmapPane::setMode(HeatmapMode mode) {
    mode_ = mode;
    render();
}

void HeatmapPane::setVisibleRegions(const QVector<bool>& visible) {
    visible_ = visible;
    render();
}

QString HeatmapPane::caption() const { return caption_; }

QImage HeatmapPane::renderFace(int i) const {
    if (i >= faces_.size()) return {};
    cv::Mat face = toRgbMat(faces_[i]);
    cv::resize(face, face, cv::Size(kDisplay, kDisplay), 0, 0, cv::INTER_LINEAR);
    if (i >= n_ || k_ == 0) return toQImage(face);
    const std::size_t plane = static_cast<std::size_t>(h_) * w_;
    std::vector<float> shown(maps_.constData() + i * k_ * plane, maps_.constData() + (i + 1) * k_ * plane);
    if (contrast_ != 1.0) {
        for (std::size_t p = 0; p < plane; ++p) {
            double sum = 0;
            for (int k = 0; k < k_; ++k) sum += std::pow(shown[k * plane + p], contrast_);
            for (int k = 0; k < k_; ++k) shown[k * plane + p] = static_cast<float>(std::pow(shown[k * plane + p], contrast_) / sum);
        }
    }
    const auto maps = fra::HeatmapRenderer::upsample(shown.data(), k_, h_, w_, face.size());
    switch (mode_) {
    case HeatmapMode::Overlay: return toQImage(fra::HeatmapRenderer::overlay(face, maps, opacity_, std::vector<bool>(visible_.begin(), visible_.end())));
    case HeatmapMode::Argmax: return toQImage(fra::HeatmapRenderer::argmaxMap(face, maps, opacity_));
    case HeatmapMode::Panels: return toQImage(fra::HeatmapRenderer::sheet(face, maps, opacity_));
    }
    return {};
}

void HeatmapPane::render() {
    title_->setText(caption_);
    emit captionChanged(caption_);
    while (tiles_.size() < faces_.size()) {
        auto* tile = new QLabel;
        tile->setObjectName(QString("face%1").arg(tiles_.size()));
        tiles_.push_back(tile);
    }
    const int columns = mode_ == HeatmapMode::Panels ? 1 : 4;
    for (int i = 0; i < tiles_.size(); ++i) {
        grid_->removeWidget(tiles_[i]);
        tiles_[i]->setVisible(i < faces_.size());
        if (i >= faces_.size()) continue;
        tiles_[i]->setPixmap(QPixmap::fromImage(renderFace(i)));
        grid_->addWidget(tiles_[i], i / columns, i % columns);
    }
}

}  // namespace fraui
