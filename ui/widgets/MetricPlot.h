#pragma once
#include "data/CurveMath.h"
#include "data/RunSeries.h"

#include <QWidget>
#include <map>

class QCustomPlot;

namespace fraui {

enum class PlotX { Step, Epoch, Minutes };

struct PlotOptions {
    PlotX x = PlotX::Step;
    double smoothing = 0.6;  // EMA weight (debiased)
    bool logY = false;
    bool yFromZero = false;
    bool showRaw = true;     // the raw curve, faded, under the smoothed one
};

// One metric against step for several runs: each run in its stable colour, the debiased EMA
// on top of the faded raw curve. Data are decimated (min/max per pixel column) to the visible
// range at every redraw, so a million points draw quickly and spikes stay visible.
class MetricPlot : public QWidget {
    Q_OBJECT
public:
    // sparse: a metric logged on some steps only (online evaluation), drawn as its points joined, unsmoothed
    MetricPlot(QString key, const QString& title, bool sparse = false, QWidget* parent = nullptr);

    const QString& key() const { return key_; }
    QCustomPlot* plot() const { return plot_; }
    void setRuns(const std::map<QString, const RunSeries*>& runs);  // path -> series (only visible runs)
    void setOptions(const PlotOptions& options);
    void redraw();                 // recompute the drawn points and replot now
    void resetView();              // follow the data again after a zoom or pan
    int drawnPoints() const { return drawnPoints_; }
    bool sparse() const { return sparse_; }
    bool hasData() const;  // a finite value in some run

    bool exportPng(const QString& file, int width = 1200, int height = 700);
    bool exportSvg(const QString& file, int width = 1200, int height = 700);
    bool exportCsv(const QString& file) const;

signals:
    void viewChanged();  // zoom/pan by the user: the panel schedules a redraw

private:
    void rebuildGraphs();
    QString key_;
    bool sparse_;
    QCustomPlot* plot_;
    std::map<QString, const RunSeries*> runs_;
    PlotOptions options_;
    bool follow_ = true;
    bool graphsStale_ = true;
    int drawnPoints_ = 0;
    std::map<QString, EmaState> smoothed_;
};

}  // namespace fraui
