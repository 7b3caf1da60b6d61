#pragma once
#include "data/RunSeries.h"
#include "widgets/MetricPlot.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTimer>
#include <QWidget>
#include <map>

class QSlider;
class QCheckBox;
class QComboBox;
class QLabel;

namespace fraui {

// The live curves: L_c, L_r and the other metrics against step, several runs overlaid.
// New points only mark the plots dirty; a 40 ms timer redraws what changed, so a fast run can
// never flood the event loop.
class PlotPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlotPanel(QWidget* parent = nullptr);

    void setVisibleRuns(const QStringList& paths);
    QStringList visibleRuns() const { return visible_.values(); }
    const RunSeries* series(const QString& path) const;
    MetricPlot* plot(const QString& key) const;
    const QVector<MetricPlot*>& plots() const { return plots_; }
    PlotOptions options() const { return options_; }
    void setOptions(const PlotOptions& options);
    double lastRedrawMs() const { return lastRedrawMs_; }

public slots:
    void appendRecords(const QString& runPath, const QVector<fra::StepRecord>& records, bool reset);
    void redrawNow();
    void exportAll(const QString& folder);  // PNG + SVG per plot, one CSV of every visible run

signals:
    void optionsChanged(const fraui::PlotOptions& options);

private:
    void scheduleRedraw();
    std::map<QString, RunSeries> series_;
    QSet<QString> visible_;
    QVector<MetricPlot*> plots_;
    PlotOptions options_;
    QTimer redrawTimer_;
    bool dirty_ = false;
    double lastRedrawMs_ = 0;
    QSlider* smoothing_ = nullptr;
    QLabel* smoothingValue_ = nullptr;
    QCheckBox *logY_ = nullptr, *fromZero_ = nullptr, *raw_ = nullptr;
    QComboBox* xAxis_ = nullptr;
};

}  // namespace fraui
