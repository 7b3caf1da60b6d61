#include "data/RunSeries.h"

#include "util/Csv.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fraui {

const QVector<RunSeries::Metric>& RunSeries::metrics() {
    static const QVector<Metric> all = {
        {"l_c", QT_TRANSLATE_NOOP("fraui::RunSeries", "Consistency L_c"), true},
        {"l_r", QT_TRANSLATE_NOOP("fraui::RunSeries", "Relation L_r"), true},
        {"knn_top1", QT_TRANSLATE_NOOP("fraui::RunSeries", "Online kNN top-1 (momentum encoder, k = 20)"), false, true},
        {"readout_nme", QT_TRANSLATE_NOOP("fraui::RunSeries", "Online region read-out NME (momentum encoder)"), true, true},
        {"loss", QT_TRANSLATE_NOOP("fraui::RunSeries", "Total loss L"), true},
        {"l_g", QT_TRANSLATE_NOOP("fraui::RunSeries", "Global terms L_g"), true},
        {"l_l", QT_TRANSLATE_NOOP("fraui::RunSeries", "Local terms L_l"), true},
        {"region_cos", QT_TRANSLATE_NOOP("fraui::RunSeries", "Region similarity (1 = identical, below 0 = separated)"), false},
        {"heat_entropy", QT_TRANSLATE_NOOP("fraui::RunSeries", "Heatmap entropy / log K"), false},
        {"region_contiguity", QT_TRANSLATE_NOOP("fraui::RunSeries", "Region contiguity (neighbouring cells in one region; 1/K = noise)"), false},
        {"lr", QT_TRANSLATE_NOOP("fraui::RunSeries", "Learning rate"), false},
        {"momentum", QT_TRANSLATE_NOOP("fraui::RunSeries", "EMA momentum"), false},
        {"img_per_s", QT_TRANSLATE_NOOP("fraui::RunSeries", "Images / s"), false},
        {"knn_top1_k200", QT_TRANSLATE_NOOP("fraui::RunSeries", "Online kNN top-1 (k = 200)"), false, true},
        {"eval_s", QT_TRANSLATE_NOOP("fraui::RunSeries", "Online evaluation time (s)"), true, true}};
    return all;
}

namespace {
double field(const fra::StepRecord& r, const QString& key) {
    if (key == "loss") return r.loss;
    if (key == "l_c") return r.lossC;
    if (key == "l_r") return r.lossR;
    if (key == "l_g") return r.lossG;
    if (key == "l_l") return r.lossL;
    if (key == "region_cos") return r.regionCosine;
    if (key == "heat_entropy") return r.heatmapEntropy;
    if (key == "region_contiguity") return r.regionContiguity;
    if (key == "lr") return r.lr;
    if (key == "momentum") return r.momentum;
    if (key == "img_per_s") return r.imagesPerSecond;
    if (key == "knn_top1") return r.knnTop1;
    if (key == "knn_top1_k200") return r.knnTop1K200;
    if (key == "readout_nme") return r.readoutNme;
    if (key == "eval_s") return r.onlineEvalSeconds;
    return std::numeric_limits<double>::quiet_NaN();
}
}  // namespace

void RunSeries::append(const QVector<fra::StepRecord>& records) {
    for (const auto& r : records) {
        if (!steps_.isEmpty() && r.step <= steps_.last()) continue;  // keep x sorted, one value per step
        steps_.append(static_cast<double>(r.step));
        minutes_.append(minutes_.isEmpty() ? 0.0 : (r.time - firstTime_) / 60.0);
        if (minutes_.size() == 1) firstTime_ = r.time;
        epochOf_.append(r.epoch);
        for (const auto& m : metrics()) {
            const double v = field(r, m.key);
            values_[m.key].append(v);
            if (std::isfinite(v)) withValues_.insert(m.key);
        }
    }
    recomputeEpochs();
}

void RunSeries::recomputeEpochs() {
    epochs_.resize(epochOf_.size());
    qint64 previousLength = 0;
    for (int begin = 0; begin < epochOf_.size();) {
        int end = begin;
        while (end < epochOf_.size() && epochOf_[end] == epochOf_[begin]) ++end;
        const bool running = end == epochOf_.size();
        const qint64 length = running && previousLength > 0 ? std::max<qint64>(previousLength, end - begin) : end - begin;
        for (int i = begin; i < end; ++i) epochs_[i] = static_cast<double>(epochOf_[begin]) + double(i - begin) / double(length);
        previousLength = end - begin;
        begin = end;
    }
}

void RunSeries::clear() {
    steps_.clear();
    minutes_.clear();
    epochs_.clear();
    epochOf_.clear();
    values_.clear();
    withValues_.clear();
}

const QVector<double>& RunSeries::values(const QString& key) const {
    static const QVector<double> empty;
    const auto it = values_.find(key);
    return it == values_.end() ? empty : it->second;
}

double RunSeries::last(const QString& key) const {
    const auto& v = values(key);
    return v.isEmpty() ? std::numeric_limits<double>::quiet_NaN() : v.last();
}

double RunSeries::best(const QString& key) const {
    bool lower = true;
    for (const auto& m : metrics())
        if (m.key == key) lower = m.lowerIsBetter;
    double best = std::numeric_limits<double>::quiet_NaN();
    for (double v : values(key)) {
        if (!std::isfinite(v)) continue;
        if (std::isnan(best) || (lower ? v < best : v > best)) best = v;
    }
    return best;
}

QString RunSeries::toCsv(const QVector<QPair<QString, const RunSeries*>>& runs) {
    // every-step metrics first (the columns the CSV has always had), then the online evaluation's
    QVector<QString> keys;
    for (const bool sparse : {false, true})
        for (const auto& m : metrics())
            if (m.sparse == sparse) keys << m.key;
    std::vector<std::string> header = {"run", "step"};
    for (const auto& key : keys) header.push_back(key.toStdString());
    std::string out = fra::csvRecord(header);
    for (const auto& [name, series] : runs) {
        for (int i = 0; i < series->size(); ++i) {
            std::vector<std::string> fields = {name.toStdString(), QString::number(series->steps()[i], 'f', 0).toStdString()};
            for (const auto& key : keys) fields.push_back(QString::number(series->values(key)[i], 'g', 9).toStdString());
            out += fra::csvRecord(fields);
        }
    }
    return QString::fromStdString(out);
}

}  // namespace fraui
