#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fra {

// One table of checkpoints x (dataset, protocol, metric) built from evaluation results
// (result.json, with "folder" naming the evaluation folder where the caller knows it), with the
// paper's reported numbers as reference rows where the dataset matches one of its benchmarks.
// Every value carries its uncertainty: the 95 % bootstrap interval over test samples of one
// evaluation (result.json's "intervals"); with several evaluation seeds of a model, their mean, the
// bootstrap interval over the test samples of each sample's value averaged over the seeds, and the
// seeds' standard deviation and t interval. Each column's best row is tested against
// every other row on the same test samples (samples.csv): the exact McNemar test for two
// single-seed top-1 classifiers, else the paired bootstrap of the per-sample difference.
//
// Test samples that are not independent (frames of one video, photos of one person kept in one
// folder) can be taken by image folder: intervals then resample whole folders (the cluster
// bootstrap) and tests are the paired sign-flip test over folders, which stays exact with few of
// them (McNemar's test and the bootstrap test take samples as independent).
enum class ResampleUnit { Sample, ImageFolder };

class ComparisonTable {
public:
    struct Column {
        std::string id;        // "rafdb-RAF-DB/ft/top1"
        std::string dataset;   // "rafdb-RAF-DB"
        std::string format;    // "rafdb"
        std::string protocol;  // lp | ft | heatmap-regression
        std::string metric;    // top1 | mean_accuracy | nme | nme_common | fr@0.1 | auc@0.1
        bool higherIsBetter = true;
        bool percent = true;   // shown x100
    };
    struct Cell {
        double value = 0;                  // the evaluation's value, or the mean over seeds
        std::optional<double> low, high;   // 95 % interval
        std::string interval;              // how it was made: "BCa over 120 test samples", ...
        int seeds = 1;
        std::optional<double> seedStd;     // standard deviation over seeds (seeds > 1)
        std::optional<double> seedLow, seedHigh;  // the t interval over seeds (seeds > 1)
        bool intervalOverSeeds = false;    // low/high are the seeds' t interval: no per-sample values to do better
        std::optional<double> pValue;      // paired test against the column's comparison row (not on that row)
        std::string test;                  // "McNemar (exact)", "paired bootstrap", or why there is none
        std::vector<std::string> folders;  // the evaluation folders behind it (one per seed), where known
        bool significant() const { return pValue && *pValue < 0.05; }
    };
    struct Row {
        std::string model;
        bool reference = false;
        std::vector<std::optional<double>> values;  // one per column
        std::vector<std::optional<Cell>> cells;     // one per column (no statistics on reference rows)
    };

    // Tests every row against `against` (a model name) where it has a value in the column, else
    // against the column's best.
    static ComparisonTable fromResults(const std::vector<nlohmann::json>& results, const std::string& against = "",
                                       ResampleUnit unit = ResampleUnit::Sample);

    const std::vector<Column>& columns() const { return columns_; }
    const std::vector<Row>& rows() const { return rows_; }
    // Index of the best non-reference row of a column, if any row has a value.
    std::optional<std::size_t> best(std::size_t column) const;
    // The row each value of a column was tested against.
    std::optional<std::size_t> comparedWith(std::size_t column) const { return comparedWith_.at(column); }

    // value [low, high]; the best bold; † after a value that differs from its comparison row at
    // p < 0.05; a legend below.
    std::string markdown() const;
    std::string csv() const;  // per column: value, low, high, seeds, seed sd, seed low, seed high, p, the test
    std::string latex() const;  // a booktabs tabular, the same marks
    nlohmann::json json() const;
    std::string legend() const;  // what the values, intervals and marks mean

private:
    std::vector<Column> columns_;
    std::vector<Row> rows_;
    std::vector<std::optional<std::size_t>> comparedWith_;
    std::string against_;
    ResampleUnit unit_ = ResampleUnit::Sample;
};

// A result.json read from its evaluation folder, with "folder" set (FraError naming the file when
// it cannot be read).
nlohmann::json readEvaluationResult(const std::string& folder);

}  // namespace fra
