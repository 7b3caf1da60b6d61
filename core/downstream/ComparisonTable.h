#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fra {

// One table of checkpoints x (dataset, protocol, metric) built from evaluation results
// (result.json), with the best value per column marked and the paper's reported numbers as
// reference rows where the dataset matches one of the paper's benchmarks.
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
    struct Row {
        std::string model;
        bool reference = false;
        std::vector<std::optional<double>> values;  // one per column
    };

    static ComparisonTable fromResults(const std::vector<nlohmann::json>& results);

    const std::vector<Column>& columns() const { return columns_; }
    const std::vector<Row>& rows() const { return rows_; }
    // Index of the best non-reference row of a column, if any row has a value.
    std::optional<std::size_t> best(std::size_t column) const;

    std::string markdown() const;
    std::string csv() const;
    nlohmann::json json() const;

private:
    std::vector<Column> columns_;
    std::vector<Row> rows_;
};

}  // namespace fra
