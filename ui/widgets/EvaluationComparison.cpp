// The evaluation view's comparison: the table of every evaluation found (values with intervals,
// tested against the baseline), its bar chart, the error curves of landmark columns and the series of
// a run's checkpoints.
#include "widgets/EvaluationPanel.h"

#include "downstream/ComparisonTable.h"
#include "downstream/SampleOutcomes.h"
#include "util/PlotTheme.h"
#include "util/Theme.h"

#include <QComboBox>
#include <QDirIterator>
#include <QFileInfo>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTableWidget>
#include <algorithm>
#include <cmath>
#include <map>
#include <qcustomplot.h>

namespace fraui {

void EvaluationPanel::refreshComparison() {
    results_.clear();
    QStringList dirs;
    for (const auto& run : selected_) dirs << run + "/eval";
    if (!out_->text().isEmpty()) dirs << out_->text();
    for (const auto& dir : dirs) {
        QDirIterator it(dir, {"result.json"}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            try {
                results_.push_back(fra::readEvaluationResult(QFileInfo(it.next()).absolutePath().toStdString()));
            } catch (const std::exception&) {
            }
        }
    }
    comparison_.reset();
    QSignalBlocker block(baseline_);
    const QString previous = baseline_->currentText();
    baseline_->clear();
    for (const auto& row : comparison().rows())
        if (!row.reference) baseline_->addItem(QString::fromStdString(row.model));  // the paper's rows have no samples to test on
    if (baseline_->findText(previous) >= 0) baseline_->setCurrentText(previous);
    showTable();
}

const fra::ComparisonTable& EvaluationPanel::comparison() {
    const QString baseline = baseline_->currentText();
    const bool byFolder = byFolder_->isChecked();
    if (!comparison_ || comparisonBaseline_ != baseline || comparisonByFolder_ != byFolder) {
        comparison_ = std::make_shared<fra::ComparisonTable>(fra::ComparisonTable::fromResults(
            results_, baseline.toStdString(), byFolder ? fra::ResampleUnit::ImageFolder : fra::ResampleUnit::Sample));
        comparisonBaseline_ = baseline;
        comparisonByFolder_ = byFolder;
    }
    return *comparison_;
}

namespace {
// The curves of one chart (models, not runs: the run browser's colours belong to runs)
QColor curveColour(int i) {
    static const QColor colours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                                     QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127)};
    return colours[i % 8];
}

QString intervalText(const fra::ComparisonTable::Cell& cell, bool percent) {
    if (!cell.low || !cell.high) return {};
    const double scale = percent ? 100 : 1;
    const int digits = percent ? 2 : 3;
    return QStringLiteral(" [%1, %2]").arg(*cell.low * scale, 0, 'f', digits).arg(*cell.high * scale, 0, 'f', digits) +
           (cell.intervalOverSeeds ? QStringLiteral(" (t)") : QString());
}
}  // namespace

void EvaluationPanel::showTable() {
    const auto& t = comparison();
    table_->clear();
    table_->setRowCount(static_cast<int>(t.rows().size()));
    table_->setColumnCount(static_cast<int>(t.columns().size()));
    QStringList headers;
    for (const auto& c : t.columns())
        headers << QString::fromStdString(c.dataset + "\n" + c.protocol + " " + c.metric) + (c.higherIsBetter ? " ↑" : " ↓");
    table_->setHorizontalHeaderLabels(headers);
    QStringList rowNames;
    for (const auto& r : t.rows()) rowNames << QString::fromStdString(r.model);
    table_->setVerticalHeaderLabels(rowNames);
    const QPalette palette = table_->palette();
    const QColor reference = readableOn(mix(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.45), palette.color(QPalette::Base));  // greyed, still readable
    for (std::size_t c = 0; c < t.columns().size(); ++c) {
        const auto best = t.best(c);
        const auto against = t.comparedWith(c);
        const bool percent = t.columns()[c].percent;
        for (std::size_t r = 0; r < t.rows().size(); ++r) {
            const auto& v = t.rows()[r].values[c];
            if (!v) continue;
            const auto& cell = t.rows()[r].cells[c];
            QString text = QString::number(percent ? 100 * *v : *v, 'f', percent ? 2 : 3);
            QString tip;
            if (cell) {
                if (cell->seeds > 1) text += QStringLiteral(" ×%1").arg(cell->seeds);
                text += intervalText(*cell, percent);
                if (cell->significant()) text += QStringLiteral(" †");
                tip = tr("95 % interval: %1").arg(QString::fromStdString(cell->interval));
                if (cell->seedStd) tip += "\n" + tr("standard deviation over %1 seeds: %2").arg(cell->seeds).arg((percent ? 100 : 1) * *cell->seedStd);
                if (cell->seedLow && cell->seedHigh)
                    tip += "\n" + tr("t interval over the seeds: [%1, %2]")
                                      .arg((percent ? 100 : 1) * *cell->seedLow, 0, 'f', percent ? 2 : 3)
                                      .arg((percent ? 100 : 1) * *cell->seedHigh, 0, 'f', percent ? 2 : 3);
                if (against && *against != r)
                    tip += "\n" + (cell->pValue ? tr("against %1: p = %2 (%3), %4")
                                                       .arg(QString::fromStdString(t.rows()[*against].model))
                                                       .arg(*cell->pValue, 0, 'g', 3)
                                                       .arg(QString::fromStdString(cell->test))
                                                       .arg(cell->significant() ? tr("a difference at p < 0.05")
                                                                                : tr("the data cannot tell them apart"))
                                                 : tr("against %1: no test, %2")
                                                       .arg(QString::fromStdString(t.rows()[*against].model), QString::fromStdString(cell->test)));
            }
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(tip);
            if (best && *best == r) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            if (t.rows()[r].reference) item->setForeground(reference);
            else if (against && *against != r && cell && cell->significant()) {
                const double b = *t.rows()[*against].values[c];
                const bool better = t.columns()[c].higherIsBetter ? *v > b : *v < b;
                item->setBackground(better ? QColor(44, 160, 44, 55) : QColor(214, 39, 40, 55));  // tints light and dark bases alike
            }
            table_->setItem(static_cast<int>(r), static_cast<int>(c), item);
        }
    }
    table_->resizeColumnsToContents();
    QSignalBlocker block(barColumn_);
    const int previous = barColumn_->currentIndex();
    barColumn_->clear();
    for (const auto& h : headers) barColumn_->addItem(QString(h).replace('\n', ' '));
    barColumn_->setCurrentIndex(previous >= 0 && previous < barColumn_->count() ? previous : 0);
    showBars(barColumn_->currentIndex());
}

void EvaluationPanel::showBars(int column) {
    bars_->clearPlottables();
    const auto& t = comparison();
    if (column < 0 || column >= static_cast<int>(t.columns().size())) {
        bars_->replot();
        return;
    }
    auto* bars = new QCPBars(bars_->xAxis, bars_->yAxis);
    bars->setBrush(QColor(31, 119, 180, 170));
    auto* errors = new QCPErrorBars(bars_->xAxis, bars_->yAxis);
    errors->setName(tr("95 % interval"));
    errors->setPen(QPen(bars_->xAxis->basePen().color(), 1.5));
    const double scale = t.columns()[column].percent ? 100 : 1;
    QVector<double> ticks, values, below, above;
    QVector<QString> labels;
    for (std::size_t r = 0; r < t.rows().size(); ++r) {
        const auto& v = t.rows()[r].values[column];
        if (!v) continue;
        const auto& cell = t.rows()[r].cells[column];
        ticks << ticks.size() + 1;
        values << scale * *v;
        below << (cell && cell->low ? scale * (*v - *cell->low) : qQNaN());  // NaN: no error bar (the paper's rows)
        above << (cell && cell->high ? scale * (*cell->high - *v) : qQNaN());
        const QString model = QString::fromStdString(t.rows()[r].model);
        // "FRA (paper: R50, VGGFace2, fine-tuned)" -> "FRA (paper)": long labels are not drawn at all
        const QString label = t.rows()[r].reference && model.contains(':') ? model.section(':', 0, 0) + ")" : model.left(28);
        labels << label + (cell && cell->significant() ? QStringLiteral(" †") : QString());
    }
    bars->setData(ticks, values);
    errors->setDataPlottable(bars);
    errors->setData(below, above);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(ticks, labels);
    bars_->xAxis->setTicker(ticker);
    // QCustomPlot drops a tick label that would cross the plot's border: short labels slant down to
    // the left, long ones (RUN@ckpt_N) stand upright
    const bool longLabels = std::any_of(labels.begin(), labels.end(), [](const QString& l) { return l.size() > 12; });
    bars_->xAxis->setTickLabelRotation(longLabels ? -90 : -30);
    bars_->yAxis->setLabel(QString::fromStdString(t.columns()[column].metric));
    bars_->rescaleAxes();
    bars_->xAxis->setRange(0, ticks.size() + 1);
    double top = 0;
    for (int i = 0; i < values.size(); ++i) top = std::max(top, values[i] + (std::isnan(above[i]) ? 0 : above[i]));
    bars_->yAxis->setRange(0, top > 0 ? top * 1.08 : 1);
    bars_->replot();
    showErrorCurves(t, column);
    showSeries(t, column);
}

// Rows named RUN@ckpt_N (evaluations of a run's checkpoints, `--checkpoints` or one by one): per
// run with two or more, the column's value against the step, with the intervals as error bars.
void EvaluationPanel::showSeries(const fra::ComparisonTable& t, int column) {
    series_->clearPlottables();
    const double scale = t.columns()[column].percent ? 100 : 1;
    struct Point {
        double step, value, below, above;
    };
    std::map<QString, std::vector<Point>> runs;
    static const QRegularExpression checkpointName("^(.*)@ckpt_(\\d+)$");
    for (const auto& row : t.rows()) {
        const auto match = checkpointName.match(QString::fromStdString(row.model));
        const auto& cell = row.cells[column];
        if (!match.hasMatch() || !cell) continue;
        runs[match.captured(1)].push_back({match.captured(2).toDouble(), scale * cell->value,
                                           cell->low ? scale * (cell->value - *cell->low) : qQNaN(),
                                           cell->high ? scale * (*cell->high - cell->value) : qQNaN()});
    }
    for (auto& [run, points] : runs) {
        if (points.size() < 2) continue;
        std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.step < b.step; });
        QVector<double> steps, values, below, above;
        for (const Point& p : points) steps << p.step, values << p.value, below << p.below, above << p.above;
        QCPGraph* g = series_->addGraph();
        g->setName(run.left(28));
        g->setPen(QPen(curveColour(series_->graphCount() - 1), 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
        g->setData(steps, values, true);
        auto* errors = new QCPErrorBars(series_->xAxis, series_->yAxis);
        errors->removeFromLegend();
        errors->setDataPlottable(g);
        errors->setData(below, above);
        errors->setPen(QPen(curveColour(series_->graphCount() - 1), 1));
    }
    series_->yAxis->setLabel(QString::fromStdString(t.columns()[column].metric));
    series_->setVisible(series_->graphCount() > 0);
    series_->rescaleAxes();
    series_->xAxis->scaleRange(1.1, series_->xAxis->range().center());
    series_->yAxis->scaleRange(1.3, series_->yAxis->range().center());
    series_->replot();
}

// The landmark protocol's cumulative error curve (the share of faces with NME <= x, up to 0.1) of
// every model in a landmark column, from its evaluations' samples.csv.
void EvaluationPanel::showErrorCurves(const fra::ComparisonTable& t, int column) {
    ced_->clearGraphs();
    const std::string& metric = t.columns()[column].metric;
    const bool landmarks = metric.rfind("nme", 0) == 0 || metric.rfind("fr@", 0) == 0 || metric.rfind("auc@", 0) == 0;
    const std::string values = metric.rfind("nme_", 0) == 0 && metric != "nme_inter_pupil" ? metric : "nme";
    for (std::size_t r = 0; landmarks && r < t.rows().size(); ++r) {
        const auto& cell = t.rows()[r].cells[column];
        if (!cell) continue;
        std::vector<double> errors;
        for (const auto& folder : cell->folders) {
            try {
                if (const auto v = fra::readSampleValues(folder, values)) errors.insert(errors.end(), v->values.begin(), v->values.end());
            } catch (const std::exception&) {
                // an unreadable samples.csv: no curve for this model (the table says why)
            }
        }
        if (errors.empty()) continue;
        std::sort(errors.begin(), errors.end());
        QVector<double> x{0}, y{0};
        for (std::size_t i = 0; i < errors.size(); ++i) {
            x << errors[i];
            y << double(i + 1) / double(errors.size());
        }
        x << std::max(0.1, errors.back());
        y << 1.0;
        QCPGraph* g = ced_->addGraph();
        g->setName(QString::fromStdString(t.rows()[r].model).left(28));
        g->setLineStyle(QCPGraph::lsStepLeft);
        g->setPen(QPen(curveColour(ced_->graphCount() - 1), 2));
        g->setData(x, y, true);
    }
    ced_->setVisible(ced_->graphCount() > 0);
    ced_->xAxis->setRange(0, 0.1);
    ced_->yAxis->setRange(0, 1.02);
    ced_->replot();
}

}  // namespace fraui
