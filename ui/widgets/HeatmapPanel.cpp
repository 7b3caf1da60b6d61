#include "widgets/HeatmapPanel.h"

#include "bridge/HeatmapInference.h"
#include "util/RunColours.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace fraui {

HeatmapPanel::HeatmapPanel(HeatmapInference* inference, QWidget* parent)
    : QWidget(parent), inference_(inference), primary_(new HeatmapPane), secondary_(new HeatmapPane) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Step")));
    stepSlider_ = new QSlider(Qt::Horizontal);
    stepSlider_->setObjectName("stepSlider");
    stepSlider_->setAccessibleName(tr("Snapshot"));
    stepSlider_->setAccessibleDescription(tr("Moves through the run's heatmap snapshots, oldest to newest"));
    stepSlider_->setMinimumWidth(220);
    bar->addWidget(stepSlider_, 1);
    stepBox_ = new QSpinBox;
    stepBox_->setObjectName("stepBox");
    stepBox_->setRange(0, std::numeric_limits<int>::max());
    stepBox_->setToolTip(tr("Exact step: shows the newest snapshot at or before it"));
    stepBox_->setAccessibleName(tr("Step"));
    bar->addWidget(stepBox_);
    bar->addWidget(new QLabel(tr("Opacity")));
    opacity_ = new QSlider(Qt::Horizontal);
    opacity_->setObjectName("opacity");
    opacity_->setAccessibleName(tr("Opacity"));
    opacity_->setAccessibleDescription(tr("How strongly the heatmaps cover the faces"));
    opacity_->setRange(0, 100);
    opacity_->setValue(55);
    opacity_->setMaximumWidth(120);
    bar->addWidget(opacity_);
    bar->addWidget(new QLabel(tr("Contrast")));
    contrast_ = new QSlider(Qt::Horizontal);
    contrast_->setObjectName("contrast");
    contrast_->setAccessibleName(tr("Contrast"));
    contrast_->setRange(0, 100);  // power 1 .. 100, logarithmic
    contrast_->setValue(0);
    contrast_->setMaximumWidth(100);
    contrast_->setToolTip(tr("Display only: sharpens the soft heatmaps (weights raised to a power p and renormalised, i.e. softmax "
                             "of the cosines at temperature t_h / p); it opens at p = 10, L_r's student assignment (t_h 1 / 0.1)"));
    contrast_->setAccessibleDescription(tr("Display only: sharpens the soft heatmaps"));
    bar->addWidget(contrast_);
    mode_ = new QComboBox;
    mode_->setObjectName("mode");
    mode_->addItems({tr("Overlay"), tr("Argmax regions"), tr("Panel per region")});
    mode_->setAccessibleName(tr("Display"));
    mode_->setAccessibleDescription(tr("Overlay, arg-max regions or one panel per region"));
    bar->addWidget(mode_);
    compare_ = new QComboBox;
    compare_->setObjectName("compare");
    compare_->addItems({tr("No comparison"), tr("Compare two steps"), tr("Compare with another run"), tr("Compare with a checkpoint…")});
    compare_->setAccessibleName(tr("Comparison"));
    bar->addWidget(compare_);
    auto* open = new QPushButton(tr("Open images…"));
    open->setToolTip(tr("Heatmaps of any face images under this run's newest checkpoint"));
    open->setAccessibleName(tr("Open images"));
    bar->addWidget(open);
    layout->addLayout(bar);

    auto* body = new QHBoxLayout;
    regions_ = new QListWidget;
    regions_->setObjectName("regions");
    regions_->setMaximumWidth(150);
    regions_->setToolTip(tr("Show or hide each facial region"));
    regions_->setAccessibleName(tr("Regions"));
    regions_->setAccessibleDescription(tr("Show or hide each facial region"));
    primary_->setAccessibleName(tr("Facial-region heatmaps"));
    secondary_->setAccessibleName(tr("Facial-region heatmaps to compare"));
    body->addWidget(regions_);
    auto* panes = new QHBoxLayout;
    auto* left = new QScrollArea;
    left->setWidget(primary_);
    left->setWidgetResizable(true);
    panes->addWidget(left, 1);
    auto* rightBox = new QVBoxLayout;
    secondSlider_ = new QSlider(Qt::Horizontal);
    secondSlider_->setObjectName("secondSlider");
    secondSlider_->setAccessibleName(tr("Snapshot to compare"));
    rightBox->addWidget(secondSlider_);
    auto* right = new QScrollArea;
    right->setWidget(secondary_);
    right->setWidgetResizable(true);
    rightBox->addWidget(right);
    auto* rightHolder = new QWidget;
    rightHolder->setLayout(rightBox);
    rightHolder->setVisible(false);
    panes->addWidget(rightHolder, 1);
    body->addLayout(panes, 1);
    layout->addLayout(body, 1);
    status_ = new QLabel;
    layout->addWidget(status_);

    connect(stepSlider_, &QSlider::valueChanged, this, [this](int i) {
        if (i >= 0 && i < primary_->steps().size()) applyStep(primary_->steps()[i]);
    });
    connect(stepBox_, &QSpinBox::editingFinished, this, [this] { applyStep(stepBox_->value()); });
    connect(secondSlider_, &QSlider::valueChanged, this, [this](int i) {
        if (i >= 0 && i < secondary_->steps().size()) secondary_->showStep(secondary_->steps()[i]);
    });
    connect(opacity_, &QSlider::valueChanged, this, [this](int v) {
        primary_->setOpacity(v / 100.0);
        secondary_->setOpacity(v / 100.0);
    });
    connect(contrast_, &QSlider::valueChanged, this, [this](int v) {
        const double power = std::pow(100.0, v / 100.0);
        primary_->setContrast(power);
        secondary_->setContrast(power);
        contrast_->setToolTip(tr("Display only: weights raised to the power %1 and renormalised (softmax of the cosines at "
                                 "temperature t_h / %1; 10 = L_r's student assignment)").arg(power, 0, 'f', 1));
    });
    // The heatmaps (t_h = 1) are soft: their colour mix reads as one wash even when the regions have
    // separated. Open at the assignment L_r trains, softmax(cosine / 0.1): power 10 = slider 50.
    contrast_->setValue(50);
    connect(mode_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int m) {
        primary_->setMode(static_cast<HeatmapMode>(m));
        secondary_->setMode(static_cast<HeatmapMode>(m));
    });
    // Opens on the arg-max regions: each map cell in the colour of its region, the segments a
    // researcher looks for (the overlay's soft mix needs the contrast slider to show them).
    mode_->setCurrentIndex(static_cast<int>(HeatmapMode::Argmax));
    connect(compare_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, rightHolder](int c) {
        rightHolder->setVisible(c != 0);
        secondSlider_->setVisible(c == 1 || c == 2);
        if (c == 1) setCompareRun(primary_->run());
        if (c == 3) {
            const QString file = QFileDialog::getOpenFileName(this, tr("Checkpoint to compare"), primary_->run() + "/checkpoints", tr("Checkpoints (*.pt)"));
            if (!file.isEmpty()) compareCheckpoint(file);
        }
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Face images"), QString(), tr("Images (*.jpg *.jpeg *.png *.bmp *.webp)"));
        if (!files.isEmpty()) openImages(files);
    });
    connect(primary_, &HeatmapPane::regionsChanged, this, &HeatmapPanel::rebuildRegions);
    connect(regions_, &QListWidget::itemChanged, this, [this] {
        QVector<bool> visible;
        for (int i = 0; i < regions_->count(); ++i) visible << (regions_->item(i)->checkState() == Qt::Checked);
        primary_->setVisibleRegions(visible);
        secondary_->setVisibleRegions(visible);
    });
    connect(inference_, &HeatmapInference::computed, this,
            [this](const QString& tag, const QVector<float>& maps, int n, int k, int h, int w, qint64 step) {
                if (!tag.startsWith("heatmap-panel:")) return;
                const QVector<QImage> images = property(tag.toUtf8().constData()).value<QVector<QImage>>();
                HeatmapPane* pane = tag.endsWith(":second") ? secondary_ : primary_;
                pane->showMaps(images, maps, n, k, h, w, tr("%1 — checkpoint step %2").arg(property("source").toString()).arg(step));
                status_->clear();
            });
    connect(inference_, &HeatmapInference::failed, this, [this](const QString& tag, const QString& message) {
        if (tag.startsWith("heatmap-panel:")) status_->setText(tr("Heatmaps failed: %1").arg(message));
    });
}

void HeatmapPanel::rebuildRegions(int k) {
    QSignalBlocker block(regions_);
    regions_->clear();
    for (int i = 0; i < k; ++i) {
        QPixmap swatch(14, 14);
        swatch.fill(regionColour(i, k));
        auto* item = new QListWidgetItem(QIcon(swatch), tr("Region %1").arg(i + 1));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
        regions_->addItem(item);
    }
}

void HeatmapPanel::setRun(const QString& runPath) {
    primary_->setRun(runPath);
    syncSlider(true);
    if (compare_->currentIndex() == 1) setCompareRun(runPath);
}

void HeatmapPanel::showEvaluation(const QString& evalDir) {
    setRun(evalDir);
    if (compare_->currentIndex() == 1) setCompareRun(evalDir);
    else compare_->setCurrentIndex(1);  // compares two steps of the shown folder, the second from its first
    status_->setText(tr("Fine-tuning: step = epoch; right: epoch 0, the pre-trained region heads before fine-tuning"));
}

void HeatmapPanel::setCompareRun(const QString& runPath) {
    secondary_->setRun(runPath);
    QSignalBlocker block(secondSlider_);
    secondSlider_->setRange(0, std::max(0, int(secondary_->steps().size()) - 1));
    // comparing steps of one run: start from the first snapshot, the primary shows the newest
    secondSlider_->setValue(runPath == primary_->run() ? 0 : secondSlider_->maximum());
    if (!secondary_->steps().isEmpty()) secondary_->showStep(secondary_->steps()[secondSlider_->value()]);
}

void HeatmapPanel::syncSlider(bool followNewest) {
    QSignalBlocker block(stepSlider_);
    const bool atEnd = stepSlider_->value() >= stepSlider_->maximum();
    stepSlider_->setRange(0, std::max(0, int(primary_->steps().size()) - 1));
    if (followNewest || atEnd) stepSlider_->setValue(stepSlider_->maximum());
    if (!primary_->steps().isEmpty()) applyStep(primary_->steps()[stepSlider_->value()]);
}

void HeatmapPanel::applyStep(qint64 step) {
    primary_->showStep(step);
    QSignalBlocker a(stepBox_), b(stepSlider_);
    stepBox_->setValue(static_cast<int>(primary_->currentStep()));
    const int index = int(primary_->steps().indexOf(primary_->currentStep()));
    if (index >= 0) stepSlider_->setValue(index);
}

void HeatmapPanel::snapshotsChanged(const QString& runPath) {
    if (runPath == primary_->run()) {
        if (primary_->faces().isEmpty()) primary_->setRun(runPath);  // probes appear just after creation
        primary_->reloadSnapshots();
        syncSlider(false);
    }
    if (runPath == secondary_->run()) {
        secondary_->reloadSnapshots();
        QSignalBlocker block(secondSlider_);
        secondSlider_->setRange(0, std::max(0, int(secondary_->steps().size()) - 1));
    }
}

void HeatmapPanel::openImages(const QStringList& files) {
    QVector<QImage> images;
    for (const auto& f : files) {
        QImage image(f);
        if (image.isNull()) {
            status_->setText(tr("Cannot read %1").arg(f));
            return;
        }
        const int side = std::min(image.width(), image.height());
        images << image.copy((image.width() - side) / 2, (image.height() - side) / 2, side, side);
    }
    setProperty("heatmap-panel:primary", QVariant::fromValue(images));
    setProperty("source", QFileInfo(primary_->run()).fileName());
    status_->setText(tr("Computing heatmaps…"));
    inference_->compute(primary_->run(), images, "heatmap-panel:primary");
}

void HeatmapPanel::compareCheckpoint(const QString& checkpoint) {
    setProperty("heatmap-panel:second", QVariant::fromValue(primary_->faces()));
    setProperty("source", QFileInfo(checkpoint).fileName());
    status_->setText(tr("Computing heatmaps…"));
    inference_->compute(checkpoint, primary_->faces(), "heatmap-panel:second");
}

}  // namespace fraui
