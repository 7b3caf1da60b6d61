#include "widgets/RunBrowser.h"

#include "data/RunCatalog.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace fraui {

RunBrowser::RunBrowser(RunCatalog* catalog, QWidget* parent) : QWidget(parent), catalog_(catalog) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    filter_ = new QLineEdit;
    filter_->setPlaceholderText(tr("Filter runs (name, preset, state, tags, notes)"));
    filter_->setAccessibleName(tr("Filter runs"));
    filter_->setClearButtonEnabled(true);
    bar->addWidget(filter_, 1);
    auto* open = new QPushButton(tr("Open folder…"));
    open->setToolTip(tr("Watch another folder of runs (Ctrl+O)"));
    open->setAccessibleName(tr("Open a folder of runs"));
    bar->addWidget(open);
    layout->addLayout(bar);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(catalog_);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);
    view_ = new QTableView;
    view_->setObjectName("runTable");
    view_->setAccessibleName(tr("Runs"));
    view_->setAccessibleDescription(tr("Every run of the watched folders; selected runs are shown in the other views. Tags and notes are editable."));
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    view_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    layout->addWidget(view_);

    // the Slurm job column only while a listed run has a job
    connect(catalog_, &RunCatalog::refreshed, this, [this] {
        bool anyJob = false;
        for (int row = 0; row < catalog_->rowCount(); ++row) anyJob = anyJob || !catalog_->summary(row)->slurmJobId.isEmpty();
        view_->setColumnHidden(RunCatalog::Job, !anyJob);
    });
    view_->setColumnHidden(RunCatalog::Job, true);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(open, &QPushButton::clicked, this, &RunBrowser::openFolderRequested);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { emit selectionChanged(selectedRuns()); });
    connect(view_, &QTableView::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex index = view_->indexAt(pos);
        if (!index.isValid()) return;
        const QString path = index.data(RunCatalog::PathRole).toString();
        const bool live = index.data(RunCatalog::LiveRole).toBool();
        QMenu menu;
        const QString host = index.data(RunCatalog::RemoteHostRole).toString();
        QAction* resume = menu.addAction(live ? tr("Resume (it is training now)")
                                         : host.isEmpty() ? tr("Resume from its newest checkpoint")
                                                          : tr("Resume (a mirror: resume it on %1)").arg(host),
                                         this, [this, path] { emit resumeRequested(path); });
        resume->setEnabled(!live && host.isEmpty());
        if (!host.isEmpty()) {
            menu.addSeparator();
            const std::pair<QString, QString> commands[] = {{tr("Stop on %1 (with a checkpoint)").arg(host), "TERM"},
                                                            {tr("Pause on %1").arg(host), "TSTP"},
                                                            {tr("Continue on %1").arg(host), "CONT"},
                                                            {tr("Fetch the newest checkpoint from %1").arg(host), "fetch"}};
            for (const auto& [text, command] : commands) {
                QAction* a = menu.addAction(text, this, [this, path, command = command] { emit remoteCommandRequested(path, command); });
                a->setEnabled(command == "fetch" || live);
            }
        }
        const QString job = index.data(RunCatalog::SlurmJobRole).toString();
        if (!job.isEmpty()) {
            menu.addSeparator();
            QAction* stop = menu.addAction(tr("Stop Slurm job %1 (checkpoint, then cancel)").arg(job), this,
                                           [this, path, job] { emit slurmStopRequested(path, job); });
            stop->setEnabled(index.data(RunCatalog::SlurmActiveRole).toBool());
        }
        menu.addAction(tr("Open the run folder"), [path] { QDesktopServices::openUrl(QUrl::fromLocalFile(path)); });
        menu.exec(view_->viewport()->mapToGlobal(pos));
    });
}

QStringList RunBrowser::selectedRuns() const {
    QStringList out;
    for (const auto& index : view_->selectionModel()->selectedRows()) out << index.data(RunCatalog::PathRole).toString();
    return out;
}

void RunBrowser::select(const QString& runPath) {
    const int row = catalog_->rowOf(runPath);
    if (row < 0) return;
    const QModelIndex index = proxy_->mapFromSource(catalog_->index(row, 0));
    view_->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view_->scrollTo(index);
}

}  // namespace fraui
