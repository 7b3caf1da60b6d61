#pragma once
#include "downstream/EvalConfig.h"

#include <QJsonObject>
#include <QStringList>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QLabel;
class QPushButton;
class QTableWidget;
class QPlainTextEdit;
class QCustomPlot;

namespace fra {
class ComparisonTable;
}

namespace fraui {

class ConfigForm;
class EvaluationBridge;
class HeatmapInference;
class HeatmapPane;
class RunCatalog;

// Downstream evaluation and checkpoint comparison: launch a linear probe, a fine-tuning or the
// heatmap read-out of a run on a dataset (any format plugin), watch its curves, and compare
// every evaluation of the selected runs in one table (each value with its interval, tinted where a
// paired test finds it better or worse than a baseline row, the paper's numbers as reference rows)
// with a bar chart (error bars), the cumulative error curves of landmark columns, and exports.
class EvaluationPanel : public QWidget {
    Q_OBJECT
public:
    EvaluationPanel(EvaluationBridge* bridge, RunCatalog* catalog, HeatmapInference* inference, QWidget* parent = nullptr);

    void setSelectedRuns(const QStringList& runs);
    QTableWidget* table() const { return table_; }
    QCustomPlot* curves() const { return curves_; }
    QCustomPlot* bars() const { return bars_; }
    QCustomPlot* errorCurve() const { return ced_; }
    QCustomPlot* series() const { return series_; }
    QString datasetSpec() const;
    void setDataset(const QString& format, const QString& folder);
    void setModel(const QString& model);
    void setProtocol(const QString& protocol);
    ConfigForm* form() const { return form_; }
    QCheckBox* alongRun() const { return alongRun_; }
    HeatmapPane* datasetHeatmaps() const { return faces_; }

signals:
    // The user asked to watch the facial regions of a fine-tuning (its evaluation folder).
    void fineTuningRegionsRequested(const QString& evalDir);

public slots:
    // The facial regions of a pre-trained run over test faces of the chosen dataset (shown when an
    // evaluation of an FRA run starts, and on demand).
    void showDatasetHeatmaps();

    void start();
    void refreshComparison();

private:
    void loadPreset(const QString& name);
    void showTable();
    void showBars(int column);
    void showErrorCurves(const fra::ComparisonTable& table, int column);
    void showSeries(const fra::ComparisonTable& table, int column);
    void startNextOfSeries();
    EvaluationBridge* bridge_;
    RunCatalog* catalog_;
    QStringList selected_;
    QComboBox *model_, *format_, *protocol_, *preset_, *baseline_, *barColumn_;
    QComboBox* folder_;
    QLineEdit* out_;
    QLabel* datasetInfo_;
    ConfigForm* form_;
    QPushButton *start_, *stop_, *ftRegions_;
    QCheckBox* alongRun_;  // every checkpoint the run keeps, one after another
    QCheckBox* byFolder_;  // image folders, not faces, as the unit of intervals and tests
    // what the remaining evaluations of a series share, and the checkpoints still to evaluate
    struct PendingSeries {
        fra::EvalConfig config;
        QString spec, fallback;
        bool readout = false;
        QStringList models;
        int total = 0;
    } pendingSeries_;
    QCustomPlot* curves_;
    QPlainTextEdit* log_;
    QTableWidget* table_;
    QCustomPlot* bars_;
    QCustomPlot* ced_;     // the cumulative error curves of a landmark column
    QCustomPlot* series_;  // a column's value against the pre-training step, for runs with several checkpoints evaluated
    std::vector<nlohmann::json> results_;
    // the comparison of results_ against the baseline, computed once per refresh or baseline (it reads
    // every samples.csv and runs the bootstrap)
    const fra::ComparisonTable& comparison();
    std::shared_ptr<fra::ComparisonTable> comparison_;
    QString comparisonBaseline_;
    bool comparisonByFolder_ = false;
    QString currentDir_;
    HeatmapInference* inference_;
    HeatmapPane* faces_;
};

}  // namespace fraui
