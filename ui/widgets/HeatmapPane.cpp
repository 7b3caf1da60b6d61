#include "widgets/HeatmapPane.h"

#include "heatmap/HeatmapRenderer.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "util/QtImage.h"
#include "util/Theme.h"

#include <QFileInfo>
#include <QDialog>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QScreen>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace fraui {

namespace {
constexpr int kMinTile = 96, kMaxTile = 720;  // displayed face side follows the pane, within these
constexpr int kColumns = 4;
}

HeatmapPane::HeatmapPane(QWidget* parent) : QWidget(parent), grid_(new QGridLayout), title_(new QLabel), legend_(new QWidget) {
    auto* layout = new QVBoxLayout(this);
    title_->setObjectName("paneTitle");
    setAccessibleName(tr("Facial-region heatmaps"));
    legend_->setObjectName("regionLegend");
    legend_->setLayout(new QGridLayout);  // rows of 8: a legend of K = 16 or 32 regions wraps instead of widening the pane
    legend_->layout()->setContentsMargins(0, 0, 0, 0);
    legend_->setVisible(false);
    layout->addWidget(title_);
    layout->addWidget(legend_);
    layout->addLayout(grid_);
    layout->addStretch();
    onPaletteChange(this, [this] { render(); });
}

int HeatmapPane::fittingTileSide() const {
    const int shown = static_cast<int>(faces_.size());
    if (shown == 0) return tileSide_;
    const int columns = mode_ == HeatmapMode::Panels ? 1 : std::min(kColumns, shown);
    const int rows = (shown + columns - 1) / columns;
    const int spacing = grid_->spacing() > 0 ? grid_->spacing() : 6;
    // the space on screen: a scroll area's viewport (the pane itself grows with its tiles)
    const QSize space = parentWidget() ? parentWidget()->size() : size();
    const int width = space.width() - 24 - spacing * (columns - 1);
    const int height = space.height() - title_->sizeHint().height() - (!legend_->isHidden() ? legend_->sizeHint().height() : 0) - 24 -
                       spacing * (rows - 1);
    // a panel sheet is K + 1 faces wide: it fits the width only
    const int side = mode_ == HeatmapMode::Panels ? width / std::max(1, k_ + 1) : std::min(width / columns, height / rows);
    return std::clamp(side, kMinTile, kMaxTile);
}

bool HeatmapPane::event(QEvent* event) {
    // on another screen, or a new scale: the tiles at its device pixel ratio
    bool newRatio = event->type() == QEvent::ScreenChangeInternal;
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    newRatio = newRatio || event->type() == QEvent::DevicePixelRatioChange;
#endif
    if (newRatio) QTimer::singleShot(0, this, [this] { render(); });
    return QWidget::event(event);
}

QPixmap HeatmapPane::sharpPixmap(int index, int side, HeatmapMode mode) const {
    const qreal ratio = devicePixelRatioF();
    QPixmap pixmap = QPixmap::fromImage(renderFace(index, qRound(side * ratio), mode));
    pixmap.setDevicePixelRatio(ratio);
    return pixmap;
}

void HeatmapPane::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    refit();
}

void HeatmapPane::refit() {
    if (parentWidget() && !watchingParent_) {  // the viewport's resizes, also when it shrinks below the tiles
        parentWidget()->installEventFilter(this);
        watchingParent_ = true;
    }
    if (std::abs(fittingTileSide() - tileSide_) >= 8) render();  // re-render only for a visible change
}

bool HeatmapPane::eventFilter(QObject* watched, QEvent* event) {
    if (watched == parentWidget() && event->type() == QEvent::Resize) refit();
    if (event->type() == QEvent::MouseButtonDblClick) {
        const int index = static_cast<int>(tiles_.indexOf(static_cast<QLabel*>(watched)));
        if (index >= 0 && index < faces_.size()) {
            showEnlarged(index);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void HeatmapPane::showEnlarged(int index) {
    auto* dialog = new QDialog(this);
    dialog->setObjectName("enlargedFace");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Face %1 — %2").arg(index + 1).arg(caption_));
    auto* layout = new QVBoxLayout(dialog);
    auto* whole = new QLabel;
    whole->setObjectName("enlargedOverlay");
    whole->setAccessibleName(tr("Face %1 with its regions").arg(index + 1));
    whole->setPixmap(sharpPixmap(index, 420, mode_ == HeatmapMode::Panels ? HeatmapMode::Overlay : mode_));
    whole->setAlignment(Qt::AlignCenter);
    auto* panels = new QLabel;
    panels->setObjectName("enlargedPanels");
    panels->setAccessibleName(tr("Face %1, one panel per region").arg(index + 1));
    const int screenWidth = screen() ? screen()->availableGeometry().width() : 1600;
    panels->setPixmap(sharpPixmap(index, std::clamp((screenWidth - 80) / std::max(1, k_ + 1), 96, 320), HeatmapMode::Panels));
    layout->addWidget(whole);
    layout->addWidget(panels);
    dialog->show();
}

void HeatmapPane::updateLegend() {
    auto* layout = legend_->layout();
    while (QLayoutItem* item = layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    legend_->setVisible(mode_ == HeatmapMode::Argmax && k_ > 0);
    if (legend_->isHidden()) return;  // isVisible() is false while the view is on another tab
    const auto colours = fra::HeatmapRenderer::palette(k_);
    auto* grid = static_cast<QGridLayout*>(layout);
    constexpr int perRow = 8;
    for (int k = 0; k < k_; ++k) {
        // the swatch carries the colour, the name stays in the palette's text colour: pale region
        // colours (yellow, mint) written on the window background could not be read
        const fra::Rgb c = colours[static_cast<std::size_t>(k)];
        auto* chip = new QLabel(QString("<span style=\"color: rgb(%1,%2,%3); font-size: large;\">■</span> %4")
                                    .arg(c[0]).arg(c[1]).arg(c[2]).arg(tr("region %1").arg(k + 1).toHtmlEscaped()));
        chip->setTextFormat(Qt::RichText);
        chip->setObjectName(QString("legend%1").arg(k));
        grid->addWidget(chip, k / perRow, k % perRow);
    }
    grid->setColumnStretch(perRow, 1);
}

void HeatmapPane::setRun(const QString& runPath) {
    run_ = runPath;
    faces_.clear();
    try {
        const auto run = fra::RunDirectory::open(runPath.toStdString());
        for (const auto& image : fra::ProbeSet::load(run).images) faces_.push_back(toQImage(image));
    } catch (const std::exception& e) {
        caption_ = tr("cannot read the probes: %1").arg(e.what());
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
        if (a.shape.size() != 4) throw std::runtime_error(tr("expected a 4-d array").toStdString());
        n_ = int(a.shape[0]);
        const int k = int(a.shape[1]);
        h_ = int(a.shape[2]);
        w_ = int(a.shape[3]);
        maps_ = QVector<float>(a.data.begin(), a.data.end());
        step_ = steps_[index];
        caption_ = tr("%1 — step %2").arg(QFileInfo(run_).fileName()).arg(step_);
        if (k != k_) {
            k_ = k;
            visible_ = QVector<bool>(k_, true);
            emit regionsChanged(k_);
        }
    } catch (const std::exception& e) {
        caption_ = tr("cannot read %1: %2").arg(files_[index], e.what());
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

QImage HeatmapPane::renderFace(int i, int side) const { return renderFace(i, side, mode_); }

QImage HeatmapPane::renderFace(int i, int side, HeatmapMode mode) const {
    if (i >= faces_.size()) return {};
    const fra::jpeg::RgbImage face = fra::resizeRgb(toRgbImage(faces_[i]), side, side);
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
    const auto maps = fra::HeatmapRenderer::upsample(shown.data(), k_, h_, w_, side, side);
    switch (mode) {
    case HeatmapMode::Overlay: return toQImage(fra::HeatmapRenderer::overlay(face, maps, opacity_, std::vector<bool>(visible_.begin(), visible_.end())));
    case HeatmapMode::Argmax: return toQImage(fra::HeatmapRenderer::argmaxMap(face, maps, opacity_));
    case HeatmapMode::Panels: {
        const QColor gap = palette().color(QPalette::Window);  // the pane's background between the panels
        return toQImage(fra::HeatmapRenderer::sheet(face, maps, opacity_,
                                                    {static_cast<std::uint8_t>(gap.red()), static_cast<std::uint8_t>(gap.green()), static_cast<std::uint8_t>(gap.blue())}));
    }
    }
    return {};
}

void HeatmapPane::render() {
    title_->setText(caption_);
    emit captionChanged(caption_);
    updateLegend();
    tileSide_ = fittingTileSide();
    while (tiles_.size() < faces_.size()) {
        auto* tile = new QLabel;
        tile->setObjectName(QString("face%1").arg(tiles_.size()));
        tile->setToolTip(tr("Double-click: this face enlarged, with one panel per region"));
        tile->setAccessibleName(tr("Face %1").arg(tiles_.size() + 1));
        tile->installEventFilter(this);
        tiles_.push_back(tile);
    }
    const int columns = mode_ == HeatmapMode::Panels ? 1 : kColumns;
    for (int i = 0; i < tiles_.size(); ++i) {
        grid_->removeWidget(tiles_[i]);
        tiles_[i]->setVisible(i < faces_.size());
        if (i >= faces_.size()) continue;
        tiles_[i]->setPixmap(sharpPixmap(i, tileSide_, mode_));
        grid_->addWidget(tiles_[i], i / columns, i % columns);
    }
}

}  // namespace fraui
