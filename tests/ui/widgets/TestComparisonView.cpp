// The evaluation view's comparison (A/B) as a user reads it: every value with its interval, a
// difference marked only where the paired test on the same test samples finds one, error bars.
#include "support/TempDir.h"
#include "widgets/EvaluationPanel.h"
#include "widgets/MainWindow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QDir>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

namespace fs = std::filesystem;

namespace {
// A landmark evaluation of `model`: per-face NME in samples.csv, the common and challenge subsets.
void writeLandmarkEvaluation(const fs::path& out, const std::string& model, double scale) {
    const fs::path dir = out / model / "eval" / "300w-300W-ft";
    fs::create_directories(dir);
    std::ofstream csv(dir / "samples.csv", std::ios::binary);
    csv << "sample,image,where,subset,nme,failed@0.08,failed@0.1\r\n";
    double total = 0;
    for (int i = 0; i < 40; ++i) {
        const double nme = scale * (0.02 + 0.002 * i);
        total += nme / 40;
        csv << i << ",face" << i << ".png,," << (i < 30 ? "common" : "challenge") << "," << nme << "," << (nme > 0.08) << "," << (nme > 0.1) << "\r\n";
    }
    const nlohmann::json result{{"model_name", model}, {"format", "300w"}, {"dataset", "300w:/data/300W"}, {"protocol", "ft"},
                                {"metrics", {{"nme", total}}}, {"primary_metric", "nme"}, {"primary", total}};
    std::ofstream(dir / "result.json") << result.dump(2);
}

// An evaluation folder of `model` on one classification test set: result.json and samples.csv.
void writeEvaluation(const fs::path& out, const std::string& model, const std::vector<int>& correct, std::uint64_t seed = 0,
                     const std::vector<std::string>& images = {}) {
    const fs::path dir = out / model / "eval" / ("folder-faces-lp" + (seed ? "-seed" + std::to_string(seed) : std::string()));
    fs::create_directories(dir);
    std::ofstream csv(dir / "samples.csv", std::ios::binary);
    csv << "sample,image,where,subset,label,label_name,predicted,predicted_name,correct\r\n";
    double top1 = 0;
    for (std::size_t i = 0; i < correct.size(); ++i) {
        csv << i << "," << (images.empty() ? "face" + std::to_string(i) + ".png" : images[i]) << ",,,0,a," << (correct[i] ? 0 : 1) << ",," << correct[i] << "\r\n";
        top1 += correct[i] / double(correct.size());
    }
    const nlohmann::json result{{"model_name", model}, {"format", "folder"}, {"dataset", "folder:/data/faces"}, {"protocol", "lp"},
                                {"metrics", {{"top1", top1}}}, {"primary_metric", "top1"}, {"primary", top1}, {"eval", {{"seed", seed}}}};
    std::ofstream(dir / "result.json") << result.dump(2);
}
// A series: the evaluations of three checkpoints of one run, as `--checkpoints all` names them.
void writeSeries(const fs::path& out) {
    std::vector<int> correct(40, 0);
    for (int step : {100, 200, 300}) {
        for (int i = 0; i < step / 10; ++i) correct[i] = 1;  // 25 %, 50 %, 75 %
        char name[32];
        std::snprintf(name, sizeof name, "r1@ckpt_%010d", step);
        writeEvaluation(out, name, correct);
    }
}

}  // namespace

// The evaluation view of a workbench whose output folder holds the evaluations of `dir`/evals.
fraui::EvaluationPanel* comparing(fraui::MainWindow& window, const TempDir& dir) {
    window.setRunsFolder(QString::fromStdString((dir / "runs").string()));
    fraui::EvaluationPanel* panel = window.evaluationPanel();
    panel->findChild<QLineEdit*>("evalOut")->setText(QString::fromStdString((dir / "evals").string()));
    panel->refreshComparison();
    return panel;
}

// For a person to look at: the Evaluate & compare tab as it shows the comparison.
void saveScreenshot(fraui::MainWindow& window, const QString& name) {
    window.resize(1400, 900);
    if (auto* tabs = window.findChild<QTabWidget*>())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->widget(i)->isAncestorOf(window.evaluationPanel()) || tabs->widget(i) == window.evaluationPanel()) tabs->setCurrentIndex(i);
    window.show();
    QCoreApplication::processEvents();
    QDir().mkpath(FRA_TEST_ARTIFACTS);
    window.grab().save(QString(FRA_TEST_ARTIFACTS) + "/" + name);
}

class TestComparisonView : public QObject {
    Q_OBJECT
private slots:
    void valuesCarryIntervalsAndOnlyRealDifferencesAreMarked() {
        TempDir dir;
        std::vector<int> strong(60, 1), close(60, 1), weak(60, 0);
        for (int i = 0; i < 6; ++i) strong[i] = 0;  // 90 %
        for (int i = 0; i < 9; ++i) close[i] = 0;   // 85 %: 3 discordant faces, nothing to tell
        for (int i = 0; i < 20; ++i) weak[i] = 1;   // 33 %
        writeEvaluation(dir / "evals", "strong", strong);
        writeEvaluation(dir / "evals", "close", close);
        writeEvaluation(dir / "evals", "weak", weak);

        fraui::MainWindow window;
        fraui::EvaluationPanel* panel = comparing(window, dir);
        auto* table = panel->findChild<QTableWidget*>("comparison");
        QCOMPARE(table->rowCount(), 3);
        const auto cellOf = [&](const QString& model) {
            for (int r = 0; r < table->rowCount(); ++r)
                if (table->verticalHeaderItem(r)->text() == model) return table->item(r, 0);
            return static_cast<QTableWidgetItem*>(nullptr);
        };
        // against the best (the baseline's default): a real difference is marked, a small one is not
        panel->findChild<QComboBox*>("baseline")->setCurrentText("strong");
        QVERIFY(cellOf("strong")->text().startsWith("90.00 ["));
        QVERIFY2(cellOf("weak")->text().endsWith("] †"), qPrintable(cellOf("weak")->text()));
        QVERIFY2(cellOf("close")->text().endsWith("]"), qPrintable(cellOf("close")->text()));
        QVERIFY(cellOf("close")->toolTip().contains("McNemar"));
        QVERIFY(cellOf("close")->toolTip().contains("cannot tell"));
        QCOMPARE(cellOf("close")->background().style(), Qt::NoBrush);
        QVERIFY(cellOf("weak")->background().style() != Qt::NoBrush);

        // the bar chart: one error bar per model, around its value
        auto* plot = panel->findChild<QCustomPlot*>("bars");
        QCPErrorBars* errors = nullptr;
        for (int i = 0; i < plot->plottableCount(); ++i)
            if (auto* e = qobject_cast<QCPErrorBars*>(plot->plottable(i))) errors = e;
        QVERIFY(errors);
        QCOMPARE(errors->dataCount(), 3);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(errors->data()->at(i).errorMinus > 0);
            QVERIFY(errors->data()->at(i).errorPlus > 0);
        }
        QVERIFY(!panel->errorCurve()->isVisible() || panel->errorCurve()->graphCount() == 0);  // no curve for a class column
        saveScreenshot(window, "comparison-classes.png");
    }

    // frames of one video are one draw: "By folder" turns a difference that only the video shows
    // into one the data cannot tell
    void byFolderTheFramesOfOneVideoCountOnce() {
        TempDir dir;
        std::vector<std::string> images;
        std::vector<int> strong(60, 1), weak(60, 1);
        for (int i = 0; i < 60; ++i) {
            const bool video = i < 40;
            images.push_back(video ? "video/frame" + std::to_string(i) + ".png" : "still" + std::to_string(i % 5) + "/face" + std::to_string(i) + ".jpg");
            if (video) weak[i] = 0;
            else strong[i] = weak[i] = i % 2;
        }
        writeEvaluation(dir / "evals", "strong", strong, 0, images);
        writeEvaluation(dir / "evals", "weak", weak, 0, images);
        fraui::MainWindow window;
        fraui::EvaluationPanel* panel = comparing(window, dir);
        auto* table = panel->findChild<QTableWidget*>("comparison");
        const auto weakCell = [&] {
            for (int r = 0; r < table->rowCount(); ++r)
                if (table->verticalHeaderItem(r)->text() == "weak") return table->item(r, 0);
            return static_cast<QTableWidgetItem*>(nullptr);
        };
        QVERIFY2(weakCell()->text().endsWith("] †"), qPrintable(weakCell()->text()));
        QVERIFY(weakCell()->toolTip().contains("McNemar"));
        auto* byFolder = panel->findChild<QCheckBox*>("byFolder");
        QVERIFY(byFolder);
        byFolder->setChecked(true);
        QVERIFY2(weakCell()->text().endsWith("]"), qPrintable(weakCell()->text()));
        QVERIFY2(weakCell()->toolTip().contains("cluster sign-flip test (6 image folders, exact)"), qPrintable(weakCell()->toolTip()));
        QVERIFY(weakCell()->toolTip().contains("over 6 image folders of 60 test samples"));
        QVERIFY(weakCell()->toolTip().contains("cannot tell"));
        saveScreenshot(window, "comparison-by-folder.png");
        byFolder->setChecked(false);
        QVERIFY(weakCell()->text().endsWith("] †"));
    }

    // two evaluation seeds that agree: the interval is still the test set's, the seeds' own spread
    // and t interval are in the tooltip
    void seedsThatAgreeStillShowTheTestSetsInterval() {
        TempDir dir;
        std::vector<int> correct(30, 1);
        for (int i = 0; i < 10; ++i) correct[i] = 0;  // 66.67 % with both seeds
        writeEvaluation(dir / "evals", "m", correct, 0);
        writeEvaluation(dir / "evals", "m", correct, 1);
        fraui::MainWindow window;
        auto* table = comparing(window, dir)->findChild<QTableWidget*>("comparison");
        QCOMPARE(table->rowCount(), 1);
        const QString text = table->item(0, 0)->text();
        QVERIFY2(text.startsWith("66.67 ×2 ["), qPrintable(text));
        QVERIFY2(!text.contains("[66.67, 66.67]"), qPrintable(text));
        const QString tip = table->item(0, 0)->toolTip();
        QVERIFY2(tip.contains("each the mean of 2 seeds"), qPrintable(tip));
        QVERIFY2(tip.contains("t interval over the seeds: [66.67, 66.67]"), qPrintable(tip));
    }

    // a broken samples.csv: the value stays, without a test, and the tooltip says why
    void aBrokenSamplesFileLeavesTheValueAndSaysWhy() {
        TempDir dir;
        std::vector<int> strong(20, 1), other(20, 1);
        for (int i = 0; i < 8; ++i) other[i] = 0;
        writeEvaluation(dir / "evals", "strong", strong);
        writeEvaluation(dir / "evals", "broken", other);
        std::ofstream(dir / "evals" / "broken" / "eval" / "folder-faces-lp" / "samples.csv", std::ios::binary | std::ios::trunc)
            << "sample,image,where,subset,label,label_name,predicted,predicted_name,correct\r\n0,a.png,,,0,a,0,a,\"unclosed\r\n";
        fraui::MainWindow window;
        fraui::EvaluationPanel* panel = comparing(window, dir);
        auto* table = panel->findChild<QTableWidget*>("comparison");
        QCOMPARE(table->rowCount(), 2);
        for (int r = 0; r < 2; ++r) {
            if (table->verticalHeaderItem(r)->text() != "broken") continue;
            QVERIFY2(table->item(r, 0)->text().startsWith("60.00"), qPrintable(table->item(r, 0)->text()));
            QVERIFY2(table->item(r, 0)->toolTip().contains("samples.csv"), qPrintable(table->item(r, 0)->toolTip()));
        }
    }

    // a run's checkpoints against the step, each with its interval
    void checkpointSeriesIsPlottedAgainstTheStep() {
        TempDir dir;
        writeSeries(dir / "evals");
        fraui::MainWindow window;
        fraui::EvaluationPanel* panel = comparing(window, dir);
        QCustomPlot* series = panel->series();
        QCOMPARE(series->graphCount(), 1);
        QCOMPARE(series->graph(0)->name(), QString("r1"));
        const auto data = series->graph(0)->data();
        QCOMPARE(data->size(), 3);
        QCOMPARE(data->at(0)->key, 100.0);
        QCOMPARE(data->at(2)->key, 300.0);
        QVERIFY(std::abs(data->at(1)->value - 50.0) < 1e-9);
        int errorBars = 0;
        for (int i = 0; i < series->plottableCount(); ++i)
            if (auto* e = qobject_cast<QCPErrorBars*>(series->plottable(i))) errorBars += e->dataCount();
        QCOMPARE(errorBars, 3);
        saveScreenshot(window, "comparison-series.png");
    }

    // a landmark column: the cumulative error curve of each model, rising from 0 to all faces
    void landmarkColumnsShowTheCumulativeErrorCurves() {
        TempDir dir;
        writeLandmarkEvaluation(dir / "evals", "sharp", 1.0);
        writeLandmarkEvaluation(dir / "evals", "blurred", 1.5);
        fraui::MainWindow window;
        fraui::EvaluationPanel* panel = comparing(window, dir);
        QCustomPlot* ced = panel->errorCurve();
        QCOMPARE(ced->graphCount(), 2);
        for (int g = 0; g < 2; ++g) {
            const auto data = ced->graph(g)->data();
            QCOMPARE(data->at(0)->value, 0.0);
            QCOMPARE(data->at(data->size() - 1)->value, 1.0);
        }
        // the sharper model's curve is above: at NME 0.05 more of its faces are within
        const auto shareAt = [&](int g, double x) {
            double share = 0;
            for (auto it = ced->graph(g)->data()->constBegin(); it != ced->graph(g)->data()->constEnd(); ++it)
                if (it->key <= x) share = it->value;
            return share;
        };
        const int sharp = ced->graph(0)->name() == "sharp" ? 0 : 1;
        QVERIFY(shareAt(sharp, 0.05) > shareAt(1 - sharp, 0.05));
        // every bar named, the paper's reference rows shortly
        auto* bars = panel->findChild<QCustomPlot*>("bars");
        auto ticker = bars->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QStringList names = ticker->ticks().values();
        QVERIFY(names.contains("FRA (paper)"));
        saveScreenshot(window, "comparison-landmarks.png");
    }
};

QTEST_MAIN(TestComparisonView)
#include "TestComparisonView.moc"
