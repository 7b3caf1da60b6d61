#include "widgets/PlotPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

namespace fraui {

PlotPanel::PlotPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Smoothing")));
    smoothing_ = new QSlider(Qt::Horizontal);
    smoothing_->setObjectName("smoothing");
    smoothing_->setAccessibleName(tr("Smoothing"));
    smoothing_->setAccessibleDescription(tr("Weight of the moving average drawn over each curve"));
    smoothing_->setRange(0, 99);
    smoothing_->setValue(static_cast<int>(options_.smoothing * 100));
    smoothing_->setMaximumWidth(180);
    smoothingValue_ = new QLabel(QString::number(options_.smoothing, 'f', 2));
    bar->addWidget(smoothing_);
    bar->addWidget(smoothingValue_);
    logY_ = new QCheckBox(tr("log y"));
    logY_->setObjectName("logY");
    logY_->setAccessibleName(tr("Logarithmic y axis"));
    fromZero_ = new QCheckBox(tr("y from zero"));
    fromZero_->setAccessibleName(tr("y axis from zero"));
    raw_ = new QCheckBox(tr("raw"));
    raw_->setAccessibleName(tr("Raw curves"));
    raw_->setAccessibleDescription(tr("The unsmoothed values, faded, under the smoothed curves"));
    raw_->setChecked(true);
    xAxis_ = new QComboBox;
    xAxis_->setObjectName("xAxis");
    xAxis_->addItems({tr("step"), tr("epoch"), tr("minutes")});
    xAxis_->setToolTip(tr("x axis of every plot: optimiser step, epoch (with its fraction), or wall-clock minutes since the first step"));
    xAxis_->setAccessibleName(tr("x axis"));
    bar->addWidget(new QLabel(tr("x:")));
    bar->addWidget(xAxis_);
    bar->addWidget(logY_);
    bar->addWidget(fromZero_);
    bar->addWidget(raw_);
    bar->addStretch();
    auto* exportButton = new QPushButton(tr("Export…"));
    exportButton->setToolTip(tr("PNG and SVG of every plot, and one CSV of every visible run (Ctrl+E)"));
    exportButton->setAccessibleName(tr("Export the plots"));
    bar->addWidget(exportButton);
    layout->addLayout(bar);

    auto* grid = new QGridLayout;
    int i = 0;
    for (const auto& m : RunSeries::metrics()) {
        auto* plot = new MetricPlot(m.key, QCoreApplication::translate("fraui::RunSeries", m.title.toUtf8().constData()), m.sparse);
        plot->setVisible(!m.sparse);  // the online evaluation's plots appear with its first value
        plots_.push_back(plot);
        grid->addWidget(plot, i / 2, i % 2);  // L_c and L_r first: they are what FRA is about
        connect(plot, &MetricPlot::viewChanged, this, &PlotPanel::scheduleRedraw);
        ++i;
    }
    auto* holder = new QWidget;
    holder->setLayout(grid);
    auto* scroll = new QScrollArea;
    scroll->setWidget(holder);
    scroll->setWidgetResizable(true);
    layout->addWidget(scroll);

    auto update = [this] {
        options_.smoothing = smoothing_->value() / 100.0;
        options_.logY = logY_->isChecked();
        options_.yFromZero = fromZero_->isChecked();
        options_.showRaw = raw_->isChecked();
        options_.x = static_cast<PlotX>(xAxis_->currentIndex());
        smoothingValue_->setText(QString::number(options_.smoothing, 'f', 2));
        for (auto* p : plots_) p->setOptions(options_);
        emit optionsChanged(options_);
        scheduleRedraw();
    };
    connect(smoothing_, &QSlider::valueChanged, this, update);
    connect(logY_, &QCheckBox::toggled, this, update);
    connect(fromZero_, &QCheckBox::toggled, this, update);
    connect(raw_, &QCheckBox::toggled, this, update);
    connect(xAxis_, &QComboBox::currentIndexChanged, this, update);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export plots to"));
        if (!folder.isEmpty()) exportAll(folder);
    });
    for (auto* p : plots_) p->setOptions(options_);

    redrawTimer_.setInterval(40);
    redrawTimer_.setSingleShot(true);
    connect(&redrawTimer_, &QTimer::timeout, this, &PlotPanel::redrawNow);
}

void PlotPanel::setOptions(const PlotOptions& options) {
    smoothing_->setValue(static_cast<int>(std::lround(options.smoothing * 100)));
    logY_->setChecked(options.logY);
    fromZero_->setChecked(options.yFromZero);
    raw_->setChecked(options.showRaw);
    xAxis_->setCurrentIndex(static_cast<int>(options.x));
}

const RunSeries* PlotPanel::series(const QString& path) const {
    const auto it = series_.find(path);
    return it == series_.end() ? nullptr : &it->second;
}

MetricPlot* PlotPanel::plot(const QString& key) const {
    for (auto* p : plots_)
        if (p->key() == key) return p;
    return nullptr;
}

void PlotPanel::setVisibleRuns(const QStringList& paths) {
    visible_ = QSet<QString>(paths.begin(), paths.end());
    std::map<QString, const RunSeries*> shown;
    for (const auto& p : visible_) shown[p] = &series_[p];
    for (auto* plot : plots_) {
        plot->setRuns(shown);
        plot->resetView();
    }
    scheduleRedraw();
}

void PlotPanel::appendRecords(const QString& runPath, const QVector<fra::StepRecord>& records, bool reset) {
    RunSeries& s = series_[runPath];
    if (reset) s.clear();
    s.append(records);
    if (visible_.contains(runPath)) scheduleRedraw();
}

void PlotPanel::scheduleRedraw() {
    dirty_ = true;
    if (!redrawTimer_.isActive()) redrawTimer_.start();
}

void PlotPanel::redrawNow() {
    if (!dirty_) return;
    QElapsedTimer timer;
    timer.start();
    for (auto* p : plots_) {
        if (p->sparse()) p->setVisible(p->hasData());
        if (!p->sparse() || p->hasData()) p->redraw();
    }
    dirty_ = false;
    lastRedrawMs_ = timer.nsecsElapsed() / 1e6;
}

void PlotPanel::exportAll(const QString& folder) {
    QDir().mkpath(folder);
    for (auto* p : plots_) {
        if (p->sparse() && !p->hasData()) continue;
        p->exportPng(folder + "/" + p->key() + ".png");
        p->exportSvg(folder + "/" + p->key() + ".svg");
    }
    QVector<QPair<QString, const RunSeries*>> runs;
    for (const auto& path : visible_) runs.append({QDir(path).dirName(), &series_[path]});
    QFile csv(folder + "/metrics.csv");
    if (csv.open(QIODevice::WriteOnly | QIODevice::Truncate)) csv.write(RunSeries::toCsv(runs).toUtf8());
}

}  // namespace fraui
