#include "widgets/MetricPlot.h"

#include "util/Csv.h"

#include "data/CurveMath.h"
#include "util/IntegerTicker.h"
#include "util/PlotTheme.h"
#include "util/RunColours.h"
#include "util/Theme.h"

#include <QDir>
#include <QFile>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

namespace fraui {

MetricPlot::MetricPlot(QString key, const QString& title, bool sparse, QWidget* parent)
    : QWidget(parent), key_(std::move(key)), sparse_(sparse), plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->setObjectName("plot_" + key_);
    plot_->setAccessibleName(title);
    plot_->setAccessibleDescription(tr("%1 of the selected runs; drag to pan, wheel to zoom, double-click to follow the data").arg(title));
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, title, QFont("sans", 9, QFont::Bold)));
    plot_->xAxis->setLabel(tr("step"));
    useIntegerTicks(plot_->xAxis);
    plot_->yAxis->setNumberFormat("g");
    plot_->yAxis->setNumberPrecision(8);  // momentum moves in the 6th digit
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->setNoAntialiasingOnDrag(true);
    plot_->setMinimumHeight(160);
    if (key_ == "region_cos") {  // the moment of separation: the K regions' mean cosine crosses 0
        auto* zero = new QCPItemStraightLine(plot_);
        zero->point1->setCoords(0, 0);
        zero->point2->setCoords(1, 0);
        auto* label = new QCPItemText(plot_);
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setTypeY(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(0.99, 0);
        label->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        label->setText(tr("below 0: regions separated"));
        label->setFont(QFont("sans", 8));
        followPalette(plot_, [zero, label](const QPalette& palette) {
            const QColor red = toneColour(Tone::Error, palette.color(QPalette::Base));
            zero->setPen(QPen(red, 1, Qt::DashLine));
            label->setColor(red);
        });
    } else {
        followPalette(plot_);
    }
    connect(plot_, &QCustomPlot::mouseRelease, this, [this] {
        follow_ = false;
        emit viewChanged();
    });
    connect(plot_, &QCustomPlot::mouseWheel, this, [this] {
        follow_ = false;
        emit viewChanged();
    });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
        resetView();
        emit viewChanged();
    });
}

void MetricPlot::setRuns(const std::map<QString, const RunSeries*>& runs) {
    if (runs.size() != runs_.size() || !std::equal(runs.begin(), runs.end(), runs_.begin(), [](auto& a, auto& b) { return a.first == b.first; }))
        graphsStale_ = true;
    runs_ = runs;
}

namespace {
const QVector<double>& xOf(const RunSeries& series, PlotX x) {
    switch (x) {
    case PlotX::Epoch: return series.epochs();
    case PlotX::Minutes: return series.minutes();
    default: return series.steps();
    }
}
}  // namespace

void MetricPlot::setOptions(const PlotOptions& options) {
    if (options.showRaw != options_.showRaw) graphsStale_ = true;
    if (options.x != options_.x) {
        follow_ = true;  // a new axis: show everything
        plot_->xAxis->setLabel(options.x == PlotX::Step ? tr("step") : options.x == PlotX::Epoch ? tr("epoch") : tr("minutes since the first step"));
        if (options.x == PlotX::Minutes) {
            plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
            plot_->xAxis->setNumberFormat("g");
            plot_->xAxis->setNumberPrecision(6);
        } else {
            useIntegerTicks(plot_->xAxis);
        }
    }
    options_ = options;
    plot_->yAxis->setScaleType(options.logY ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (options.logY) plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
}

void MetricPlot::resetView() { follow_ = true; }

void MetricPlot::rebuildGraphs() {
    plot_->clearGraphs();
    for (const auto& [path, series] : runs_) {
        const QColor colour = runColour(path);
        QColor faded = colour;
        faded.setAlpha(60);
        QCPGraph* raw = plot_->addGraph();
        raw->setPen(QPen(faded, 1));
        raw->setVisible(options_.showRaw && !sparse_);
        raw->setProperty("run", path);
        raw->setName(tr("%1 (raw)").arg(QDir(path).dirName()));
        QCPGraph* smooth = plot_->addGraph();
        smooth->setPen(QPen(colour, 2));
        smooth->setProperty("run", path);
        smooth->setName(QDir(path).dirName());
        if (sparse_) smooth->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
    }
    graphsStale_ = false;
}

void MetricPlot::redraw() {
    if (graphsStale_) rebuildGraphs();
    // x range: all data when following, else the user's view
    double xMin = 0, xMax = 1, yMin = std::numeric_limits<double>::infinity(), yMax = -yMin;
    bool any = false;
    for (const auto& [path, series] : runs_) {
        if (!series->size()) continue;
        const QVector<double>& x = xOf(*series, options_.x);
        xMin = any ? std::min(xMin, x.first()) : x.first();
        xMax = any ? std::max(xMax, x.last()) : x.last();
        any = true;
    }
    if (!follow_) {
        xMin = plot_->xAxis->range().lower;
        xMax = plot_->xAxis->range().upper;
    }
    if (xMax <= xMin) xMax = xMin + 1;
    const int buckets = std::max(100, plot_->axisRect()->width());
    drawnPoints_ = 0;
    int g = 0;
    QVector<double> dx, dy;
    for (const auto& [path, series] : runs_) {
        const QVector<double>& x = xOf(*series, options_.x);
        const QVector<double>& y = series->values(key_);
        if (sparse_) {  // the evaluated steps only, joined: no smoothing, nothing to decimate
            dx.clear();
            dy.clear();
            for (int i = 0; i < y.size() && i < x.size(); ++i)
                if (std::isfinite(y[i]) && !(options_.logY && y[i] <= 0)) {
                    dx.append(x[i]);
                    dy.append(y[i]);
                    yMin = std::min(yMin, y[i]);
                    yMax = std::max(yMax, y[i]);
                }
            plot_->graph(g++)->data()->clear();
            plot_->graph(g++)->setData(dx, dy, true);
            drawnPoints_ += dx.size();
            continue;
        }
        EmaState& ema = smoothed_[path];
        ema.extend(y, options_.smoothing);
        const QVector<double>* curves[] = {&y, &ema.smoothed};
        for (const QVector<double>* curve : curves) {
            decimateMinMax(x, *curve, xMin, xMax, buckets, dx, dy);
            plot_->graph(g++)->setData(dx, dy, true);
            drawnPoints_ += dx.size();
            if (curve == &y && !options_.showRaw) continue;
            for (int i = 0; i < dy.size(); ++i) {
                if (!std::isfinite(dy[i]) || (options_.logY && dy[i] <= 0)) continue;
                yMin = std::min(yMin, dy[i]);
                yMax = std::max(yMax, dy[i]);
            }
        }
    }
    if (follow_) plot_->xAxis->setRange(xMin, xMax);
    if (std::isfinite(yMin)) {
        const double pad = (yMax - yMin) * 0.05 + (yMax == yMin ? std::abs(yMax) * 0.05 + 1e-9 : 0);
        double lower = options_.yFromZero && !options_.logY ? 0.0 : (options_.logY ? yMin / 1.1 : yMin - pad);
        plot_->yAxis->setRange(lower, options_.logY ? yMax * 1.1 : yMax + pad);
    }
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

bool MetricPlot::hasData() const {
    for (const auto& [path, series] : runs_)
        if (series->hasValues(key_)) return true;
    return false;
}

bool MetricPlot::exportPng(const QString& file, int width, int height) { return plot_->savePng(file, width, height); }

bool MetricPlot::exportSvg(const QString& file, int width, int height) {
    QSvgGenerator generator;
    generator.setFileName(file);
    generator.setSize(QSize(width, height));
    generator.setViewBox(QRect(0, 0, width, height));
    generator.setTitle(key_);
    QCPPainter painter;
    if (!painter.begin(&generator)) return false;
    plot_->toPainter(&painter, width, height);
    painter.end();
    return QFile::exists(file);
}

bool MetricPlot::exportCsv(const QString& file) const {
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    out.write(fra::csvRecord({"run", "step", key_.toStdString()}).c_str());
    for (const auto& [path, series] : runs_)
        for (int i = 0; i < series->size(); ++i)
            out.write(fra::csvRecord({QDir(path).dirName().toStdString(), QString::number(series->steps()[i], 'f', 0).toStdString(),
                                      QString::number(series->values(key_)[i], 'g', 9).toStdString()})
                          .c_str());
    return true;
}

}  // namespace fraui
