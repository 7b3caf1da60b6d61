#include "widgets/EvaluationPanel.h"

#include "util/IntegerTicker.h"

#include "bridge/EvaluationBridge.h"
#include "bridge/HeatmapInference.h"
#include "config/FraConfig.h"
#include "downstream/FacePreprocessor.h"
#include "util/QtImage.h"
#include "util/ResourceLocator.h"
#include "widgets/HeatmapPane.h"
#include "data/RunCatalog.h"
#include "downstream/CheckpointSeries.h"
#include "run/RunDirectory.h"
#include "downstream/ComparisonTable.h"
#include "downstream/SampleOutcomes.h"
#include "downstream/DatasetRegistry.h"
#include "downstream/EvalSchema.h"
#include "util/AtomicFile.h"
#include "widgets/ConfigForm.h"
#include "util/PlotTheme.h"
#include "util/Theme.h"

#include <cmath>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>
#include <map>

using nlohmann::json;

namespace fraui {

namespace {
std::vector<fra::FieldSpec> evalFields() {
    std::vector<fra::FieldSpec> out;
    for (const auto& f : fra::EvalSchema::instance().fields())
        if (f.key != "protocol") out.push_back(f);
    return out;
}
}  // namespace

EvaluationPanel::EvaluationPanel(EvaluationBridge* bridge, RunCatalog* catalog, HeatmapInference* inference, QWidget* parent)
    : QWidget(parent), bridge_(bridge), catalog_(catalog), inference_(inference), faces_(new HeatmapPane) {
    auto* split = new QSplitter(Qt::Horizontal);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    // left: launch
    auto* launch = new QWidget;
    auto* launchLayout = new QVBoxLayout(launch);
    auto* top = new QFormLayout;
    model_ = new QComboBox;
    model_->setObjectName("evalModel");
    model_->setEditable(true);
    model_->setAccessibleName(tr("Model"));
    model_->setAccessibleDescription(tr("A run, a checkpoint or a random initialisation (random:resnet18)"));
    top->addRow(tr("Model"), model_);
    auto* datasetRow = new QHBoxLayout;
    format_ = new QComboBox;
    format_->setObjectName("evalFormat");
    format_->addItems(bridge_->formats());
    folder_ = new QComboBox;
    folder_->setObjectName("evalFolder");
    folder_->setEditable(true);
    format_->setAccessibleName(tr("Dataset format"));
    folder_->setAccessibleName(tr("Dataset folder"));
    auto* browse = new QPushButton("…");
    browse->setToolTip(tr("Choose the dataset folder"));
    browse->setAccessibleName(tr("Browse for the dataset folder"));
    datasetRow->addWidget(format_);
    datasetRow->addWidget(folder_, 1);
    datasetRow->addWidget(browse);
    top->addRow(tr("Dataset"), datasetRow);
    datasetInfo_ = new QLabel;
    datasetInfo_->setObjectName("datasetInfo");
    datasetInfo_->setWordWrap(true);
    top->addRow("", datasetInfo_);
    protocol_ = new QComboBox;
    protocol_->setObjectName("evalProtocol");
    protocol_->addItems({"lp", "ft", "heatmap-regression"});
    protocol_->setToolTip(tr("lp: linear probe (frozen backbone); ft: fine-tuning; heatmap-regression: landmarks from the K heatmap centroids"));
    protocol_->setAccessibleName(tr("Protocol"));
    top->addRow(tr("Protocol"), protocol_);
    preset_ = new QComboBox;
    preset_->addItems({"cpu-lp", "cpu-ft", "paper-lp", "paper-ft"});
    preset_->setAccessibleName(tr("Recipe"));
    top->addRow(tr("Recipe"), preset_);
    out_ = new QLineEdit;
    out_->setObjectName("evalOut");
    out_->setPlaceholderText(tr("for models outside a run folder (random init, loose checkpoints)"));
    out_->setAccessibleName(tr("Output folder"));
    top->addRow(tr("Output folder"), out_);
    launchLayout->addLayout(top);
    form_ = new ConfigForm(evalFields());
    launchLayout->addWidget(form_, 1);
    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Evaluate"));
    start_->setObjectName("evaluate");
    start_->setAccessibleName(tr("Evaluate"));
    stop_ = new QPushButton(tr("Stop"));
    stop_->setAccessibleName(tr("Stop the evaluation"));
    stop_->setEnabled(false);
    alongRun_ = new QCheckBox(tr("Every kept checkpoint"));
    alongRun_->setObjectName("alongRun");
    alongRun_->setAccessibleName(tr("Evaluate every kept checkpoint of the run"));
    alongRun_->setToolTip(tr("Evaluate each checkpoint the run keeps (its milestones and newest periodic ones), one after "
                             "another, and plot the metric against the pre-training step in the comparison"));
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    buttons->addWidget(alongRun_);
    buttons->addStretch();
    launchLayout->addLayout(buttons);
    curves_ = new QCustomPlot;
    curves_->setObjectName("evalCurves");
    curves_->setAccessibleName(tr("Evaluation curves"));
    curves_->setAccessibleDescription(tr("Training loss and test metric of the running evaluation against epoch"));
    curves_->setMinimumHeight(180);
    curves_->xAxis->setLabel(tr("epoch"));
    useIntegerTicks(curves_->xAxis);
    curves_->yAxis->setLabel(tr("train loss"));
    curves_->yAxis2->setVisible(true);
    curves_->yAxis2->setLabel(tr("test metric"));
    curves_->addGraph(curves_->xAxis, curves_->yAxis)->setName(tr("train loss"));
    curves_->addGraph(curves_->xAxis, curves_->yAxis2)->setName(tr("test"));
    followPalette(curves_, [this](const QPalette& palette) {
        curves_->graph(0)->setPen(QPen(readableOn(QColor(31, 119, 180), palette.color(QPalette::Base), 3), 2));
        curves_->graph(1)->setPen(QPen(readableOn(QColor(214, 39, 40), palette.color(QPalette::Base), 3), 2));
    });
    curves_->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    curves_->legend->setVisible(true);
    launchLayout->addWidget(curves_);
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumHeight(90);
    log_->setAccessibleName(tr("Evaluation log"));
    launchLayout->addWidget(log_);
    split->addWidget(launch);

    // middle: the pre-trained model's facial regions over this dataset's test faces
    auto* regions = new QWidget;
    auto* regionsLayout = new QVBoxLayout(regions);
    auto* showFaces = new QPushButton(tr("Facial regions on test faces"));
    showFaces->setToolTip(tr("Heatmaps of the selected FRA run over 8 test faces of the dataset"));
    showFaces->setAccessibleName(showFaces->text());
    regionsLayout->addWidget(showFaces);
    ftRegions_ = new QPushButton(tr("Regions during fine-tuning"));
    ftRegions_->setObjectName("ftRegions");
    ftRegions_->setToolTip(tr("In the Facial regions view: the K heatmaps of fixed test faces after every epoch of this fine-tuning "
                              "(the pre-trained region heads over the fine-tuned backbone), against epoch 0 (the pre-trained checkpoint)"));
    ftRegions_->setAccessibleName(ftRegions_->text());
    ftRegions_->setEnabled(false);
    regionsLayout->addWidget(ftRegions_);
    connect(ftRegions_, &QPushButton::clicked, this, [this] { emit fineTuningRegionsRequested(currentDir_); });
    faces_->setAccessibleName(tr("Facial regions on the dataset's test faces"));
    auto* scroll = new QScrollArea;
    scroll->setWidget(faces_);
    scroll->setWidgetResizable(true);
    regionsLayout->addWidget(scroll, 1);
    split->addWidget(regions);
    connect(showFaces, &QPushButton::clicked, this, &EvaluationPanel::showDatasetHeatmaps);
    connect(inference_, &HeatmapInference::computed, this,
            [this](const QString& tag, const QVector<float>& maps, int n, int k, int h, int w, qint64 step) {
                if (tag != "evaluation-faces") return;
                faces_->showMaps(property("evaluation-faces").value<QVector<QImage>>(), maps, n, k, h, w,
                                 tr("%1 on %2 (checkpoint step %3)").arg(QFileInfo(model_->currentText()).fileName(), datasetSpec()).arg(step));
            });
    connect(inference_, &HeatmapInference::failed, this, [this](const QString& tag, const QString& message) {
        if (tag == "evaluation-faces") log_->appendPlainText(tr("facial regions: %1").arg(message));
    });

    // right: comparison
    auto* compare = new QWidget;
    auto* compareLayout = new QVBoxLayout(compare);
    auto* compareBar = new QHBoxLayout;
    compareBar->addWidget(new QLabel(tr("Baseline")));
    baseline_ = new QComboBox;
    baseline_->setObjectName("baseline");
    baseline_->setAccessibleName(tr("Baseline"));
    baseline_->setAccessibleDescription(tr("The row the other rows of the comparison are tested against: a paired test on the same test samples; a tint marks a difference at p < 0.05"));
    compareBar->addWidget(baseline_, 1);
    byFolder_ = new QCheckBox(tr("By folder"));
    byFolder_->setObjectName("byFolder");
    byFolder_->setAccessibleName(tr("Resample by image folder"));
    byFolder_->setToolTip(tr("Intervals and tests resample whole image folders instead of single faces (the cluster bootstrap): "
                             "for test sets whose faces are not independent, as the frames of one video in one folder"));
    compareBar->addWidget(byFolder_);
    auto* refresh = new QPushButton(tr("Refresh"));
    refresh->setAccessibleName(tr("Refresh the comparison"));
    auto* exportButton = new QPushButton(tr("Export…"));
    exportButton->setAccessibleName(tr("Export the comparison"));
    exportButton->setToolTip(tr("The comparison as Markdown, CSV, JSON and LaTeX, and the bar chart as PNG"));
    compareBar->addWidget(refresh);
    compareBar->addWidget(exportButton);
    compareLayout->addLayout(compareBar);
    table_ = new QTableWidget;
    table_->setObjectName("comparison");
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAccessibleName(tr("Comparison"));
    table_->setAccessibleDescription(tr("Every evaluation of the selected runs, one row per model, one column per dataset and metric"));
    compareLayout->addWidget(table_, 1);
    onPaletteChange(table_, [this] { showTable(); });
    auto* barRow = new QHBoxLayout;
    barRow->addWidget(new QLabel(tr("Bar chart of")));
    barColumn_ = new QComboBox;
    barColumn_->setObjectName("barColumn");
    barColumn_->setAccessibleName(tr("Bar chart of"));
    barRow->addWidget(barColumn_, 1);
    compareLayout->addLayout(barRow);
    bars_ = new QCustomPlot;
    bars_->setObjectName("bars");
    bars_->setAccessibleName(tr("Bar chart"));
    bars_->setMinimumHeight(200);
    followPalette(bars_);
    ced_ = new QCustomPlot;
    ced_->setObjectName("ced");
    ced_->setAccessibleName(tr("Cumulative error curve"));
    ced_->setAccessibleDescription(tr("For a landmark column: the share of test faces whose NME is at most x, one curve per model"));
    ced_->setMinimumHeight(200);
    ced_->xAxis->setLabel(tr("NME (outer eye corners)"));
    ced_->yAxis->setLabel(tr("share of test faces"));
    ced_->legend->setVisible(true);
    QSharedPointer<QCPAxisTickerFixed> nmeTicks(new QCPAxisTickerFixed);
    nmeTicks->setTickStep(0.05);
    ced_->xAxis->setTicker(nmeTicks);
    followPalette(ced_);
    ced_->setVisible(false);
    series_ = new QCustomPlot;
    series_->setObjectName("series");
    series_->setAccessibleName(tr("Checkpoint series"));
    series_->setAccessibleDescription(tr("The metric of each run's evaluated checkpoints against the pre-training step, with 95 % intervals"));
    series_->setMinimumHeight(200);
    series_->xAxis->setLabel(tr("pre-training step"));
    series_->legend->setVisible(true);
    followPalette(series_);
    series_->setVisible(false);
    auto* charts = new QHBoxLayout;
    charts->addWidget(bars_, 1);
    charts->addWidget(ced_, 1);
    charts->addWidget(series_, 1);
    compareLayout->addLayout(charts, 1);
    split->addWidget(compare);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Dataset folder"), folder_->currentText());
        if (!dir.isEmpty()) setDataset(format_->currentText(), dir);
    });
    auto describe = [this] {
        try {
            const fra::DownstreamDataset d = bridge_->registry().load(datasetSpec().toStdString(), true);
            QStringList parts{tr("%1, %2 outputs").arg(fra::toString(d.task)).arg(d.outputs())};
            for (const auto& [name, samples] : d.splits) parts << tr("%1 %2", "images in a split").arg(samples.size()).arg(QString::fromStdString(name));
            const QString info = parts.join(", ");
            if (d.missingImages > 0) {  // an evaluation stops on this unless allow_missing_images is set
                showAsError(datasetInfo_, true);
                datasetInfo_->setText(tr("%1; %2 of %3 listed images are missing, first %4 (set allow_missing_images to leave them out)")
                                                 .arg(info)
                                                 .arg(d.missingImages)
                                                 .arg(d.listedImages)
                                                 .arg(QString::fromStdString(d.firstMissingImage)));
                return;
            }
            showAsError(datasetInfo_, false);
            datasetInfo_->setText(d.warnings.empty() ? info : tr("%1; %2").arg(info, QString::fromStdString(d.warnings.front())));
        } catch (const std::exception& e) {
            showAsError(datasetInfo_, true);
            datasetInfo_->setText(e.what());
        }
    };
    // loading a dataset walks its folder: once typing (or a format + folder change) has settled
    auto* describeLater = new QTimer(this);
    describeLater->setSingleShot(true);
    describeLater->setInterval(300);
    connect(describeLater, &QTimer::timeout, this, describe);
    connect(folder_, &QComboBox::currentTextChanged, describeLater, qOverload<>(&QTimer::start));
    connect(format_, &QComboBox::currentTextChanged, describeLater, qOverload<>(&QTimer::start));
    connect(preset_, &QComboBox::currentTextChanged, this, &EvaluationPanel::loadPreset);
    connect(start_, &QPushButton::clicked, this, &EvaluationPanel::start);
    connect(stop_, &QPushButton::clicked, this, [this] { pendingSeries_.models.clear(); });  // a stopped series ends
    connect(stop_, &QPushButton::clicked, bridge_, &EvaluationBridge::stop);
    connect(refresh, &QPushButton::clicked, this, &EvaluationPanel::refreshComparison);
    connect(baseline_, qOverload<int>(&QComboBox::currentIndexChanged), this, &EvaluationPanel::showTable);
    connect(byFolder_, &QCheckBox::toggled, this, &EvaluationPanel::showTable);
    connect(barColumn_, qOverload<int>(&QComboBox::currentIndexChanged), this, &EvaluationPanel::showBars);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the comparison to"));
        if (dir.isEmpty()) return;
        const auto& t = comparison();  // as shown: tested against the baseline
        fra::writeFileAtomically((dir + "/comparison.md").toStdString(), t.markdown());
        fra::writeFileAtomically((dir + "/comparison.csv").toStdString(), t.csv());
        fra::writeFileAtomically((dir + "/comparison.json").toStdString(), t.json().dump(2));
        fra::writeFileAtomically((dir + "/comparison.tex").toStdString(), t.latex());
        bars_->savePng(dir + "/comparison-bars.png", 900, 500);
    });
    connect(bridge_, &EvaluationBridge::started, this, [this](const QString& dir) {
        currentDir_ = dir;
        ftRegions_->setEnabled(false);
        if (!model_->currentText().startsWith("random:")) showDatasetHeatmaps();
        curves_->graph(0)->data()->clear();
        curves_->graph(1)->data()->clear();
        // a series keeps the log of its earlier checkpoints
        if (pendingSeries_.models.size() + 1 >= static_cast<qsizetype>(pendingSeries_.total)) log_->clear();
        start_->setEnabled(false);
        stop_->setEnabled(true);
    });
    connect(bridge_, &EvaluationBridge::record, this, [this](const QString&, const QJsonObject& r) {
        if (r["heatmaps"].toBool()) ftRegions_->setEnabled(true);
        curves_->graph(0)->addData(r["epoch"].toDouble(), r["train_loss"].toDouble());
        if (r.contains("primary")) curves_->graph(1)->addData(r["epoch"].toDouble(), r["primary"].toDouble());
        curves_->rescaleAxes();
        curves_->replot(QCustomPlot::rpQueuedReplot);
    });
    connect(bridge_, &EvaluationBridge::logLine, this, [this](const QString&, const QString& line) { log_->appendPlainText(line); });
    connect(bridge_, &EvaluationBridge::finished, this, [this](const QString& dir, const QJsonObject& result) {
        start_->setEnabled(true);
        stop_->setEnabled(false);
        log_->appendPlainText(tr("finished: %1 = %2  (%3)").arg(result["primary_metric"].toString()).arg(result["primary"].toDouble()).arg(dir));
        refreshComparison();
        if (!pendingSeries_.models.isEmpty()) startNextOfSeries();
    });
    connect(bridge_, &EvaluationBridge::failed, this, [this](const QString&, const QString& message) {
        pendingSeries_.models.clear();
        start_->setEnabled(true);
        stop_->setEnabled(false);
        log_->appendPlainText(tr("failed: %1").arg(message));
        auto* box = new QMessageBox(QMessageBox::Critical, tr("Evaluation failed"), message, QMessageBox::Ok, this);
        box->setObjectName("evaluationFailed");
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();  // window-modal, not a nested event loop: training and plots keep updating
    });
    loadPreset(preset_->currentText());
    // the sample pool's two tasks, when present, are one click away
    const QString pool = QString::fromStdString(fra::ResourceLocator::samplePool().string());
    for (const auto& [format, task] : {std::pair<QString, QString>{"pts", "landmarks-dlib68"}, {"folder", "johns-identity"}})
        if (QDir(pool + "/tasks/" + task).exists()) setDataset(format, pool + "/tasks/" + task);
}

void EvaluationPanel::showDatasetHeatmaps() {
    if (model_->currentText().startsWith("random:")) return;
    try {
        const fra::DownstreamDataset d = bridge_->registry().load(datasetSpec().toStdString(), true);
        const auto& test = d.split("test");
        const fra::DataConfig defaults;
        const fra::FacePreprocessor crop(160, 0.25, defaults.mean, defaults.std);
        QVector<QImage> images;
        for (std::size_t i = 0; i < test.size() && images.size() < 8; i += std::max<std::size_t>(1, test.size() / 8)) {
            const fra::jpeg::RgbImage face = crop.crop(test[i], nullptr);
            if (!face.pixels.empty()) images << toQImage(face);
        }
        if (images.isEmpty()) return;
        setProperty("evaluation-faces", QVariant::fromValue(images));
        inference_->compute(model_->currentText(), images, "evaluation-faces");
    } catch (const std::exception& e) {
        log_->appendPlainText(tr("facial regions: %1").arg(e.what()));
    }
}

void EvaluationPanel::loadPreset(const QString& name) {
    try {
        form_->setValues(fra::EvalSchema::instance().toJson(fra::EvalSchema::instance().resolvePreset(name.toStdString())));
    } catch (const std::exception&) {
    }
}

QString EvaluationPanel::datasetSpec() const { return format_->currentText() + ":" + folder_->currentText(); }

void EvaluationPanel::setDataset(const QString& format, const QString& folder) {
    format_->setCurrentText(format);
    if (folder_->findText(folder) < 0) folder_->addItem(folder);
    folder_->setCurrentText(folder);
}

void EvaluationPanel::setModel(const QString& model) { model_->setCurrentText(model); }
void EvaluationPanel::setProtocol(const QString& protocol) { protocol_->setCurrentText(protocol); }

void EvaluationPanel::setSelectedRuns(const QStringList& runs) {
    selected_ = runs;
    const QString current = model_->currentText();
    QSignalBlocker block(model_);
    model_->clear();
    for (int row = 0; row < catalog_->rowCount(); ++row) model_->addItem(catalog_->summary(row)->path);
    model_->addItems({"random:resnet18", "random:resnet34", "random:resnet50"});
    model_->setCurrentText(runs.isEmpty() ? current : runs.first());
    refreshComparison();
}

void EvaluationPanel::start() {
    std::vector<fra::ConfigIssue> issues = form_->parseIssues();
    fra::EvalConfig config;
    try {
        config = fra::EvalSchema::instance().resolvePreset(preset_->currentText().toStdString());
        if (issues.empty()) fra::EvalSchema::instance().apply(config, form_->values(), "form");
        if (protocol_->currentText() != "heatmap-regression") config.protocol = protocol_->currentText().toStdString();
        for (const auto& i : fra::EvalSchema::instance().validate(config)) issues.push_back(i);
    } catch (const std::exception& e) {
        issues.push_back({"preset", e.what()});
    }
    form_->showIssues(issues);
    if (!issues.empty()) return;
    pendingSeries_ = PendingSeries{config, datasetSpec(), out_->text().isEmpty() ? catalog_->folders().value(0) : out_->text(),
                           protocol_->currentText() == "heatmap-regression", {model_->currentText()}, 1};
    if (alongRun_->isChecked()) {
        try {
            pendingSeries_.models.clear();
            for (const auto& c : fra::selectCheckpoints(fra::RunDirectory::open(model_->currentText().toStdString()), "all"))
                pendingSeries_.models << QString::fromStdString(c.path.string());
            pendingSeries_.total = static_cast<int>(pendingSeries_.models.size());
        } catch (const std::exception& e) {
            pendingSeries_.models.clear();
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Every kept checkpoint"),
                                        tr("Every kept checkpoint needs a run folder with checkpoints: %1").arg(QString::fromStdString(e.what())),
                                        QMessageBox::Ok, this);
            box->setObjectName("seriesRefused");
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
    }
    startNextOfSeries();
}

void EvaluationPanel::startNextOfSeries() {
    const QString model = pendingSeries_.models.takeFirst();
    if (pendingSeries_.readout) bridge_->startHeatmapQuality(model, pendingSeries_.spec, pendingSeries_.config, pendingSeries_.fallback);
    else bridge_->start(model, pendingSeries_.spec, pendingSeries_.config, pendingSeries_.fallback);
    if (pendingSeries_.total > 1)  // after the start, which clears the log
        log_->appendPlainText(tr("checkpoint %1 of %2: %3").arg(pendingSeries_.total - pendingSeries_.models.size()).arg(pendingSeries_.total).arg(model));
}

}  // namespace fraui
