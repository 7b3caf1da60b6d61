#pragma once
#include "train/StepRecord.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <map>
#include <set>

Q_DECLARE_METATYPE(fra::StepRecord)
Q_DECLARE_METATYPE(QVector<fra::StepRecord>)

namespace fraui {

// The metrics of one run as columns, ready for plotting and export.
class RunSeries {
public:
    struct Metric {
        QString key;    // metrics.jsonl field
        QString title;  // for plots (untranslated: QCoreApplication::translate("fraui::RunSeries", title))
        bool lowerIsBetter;
        bool sparse = false;  // logged on some steps only (online evaluation): drawn as points, unsmoothed
    };
    static const QVector<Metric>& metrics();

    void append(const QVector<fra::StepRecord>& records);
    void clear();
    int size() const { return steps_.size(); }
    const QVector<double>& steps() const { return steps_; }
    // Other x axes: minutes since the run's first logged step, and the epoch with its fraction
    // (step i of an epoch of n steps at epoch + i / n; the running epoch counts as long as the one
    // before it, or as long as it is so far when it is the first).
    const QVector<double>& minutes() const { return minutes_; }
    const QVector<double>& epochs() const { return epochs_; }
    const QVector<double>& values(const QString& key) const;
    double last(const QString& key) const;
    bool hasValues(const QString& key) const { return withValues_.count(key) > 0; }  // a finite value on some step
    double best(const QString& key) const;  // min (losses) or max, ignoring non-finite values

    // One CSV of every metric for several runs (a "run" column first).
    static QString toCsv(const QVector<QPair<QString, const RunSeries*>>& runs);

private:
    void recomputeEpochs();
    QVector<double> steps_, minutes_, epochs_;
    QVector<qint64> epochOf_;
    double firstTime_ = 0;
    std::map<QString, QVector<double>> values_;
    std::set<QString> withValues_;
};

}  // namespace fraui
