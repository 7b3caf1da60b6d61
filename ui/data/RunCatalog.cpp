#include "data/RunCatalog.h"

#include "data/CatalogScanner.h"
#include "run/RunLiveness.h"
#include "run/RunNotes.h"
#include "util/RunColours.h"
#include "util/Theme.h"

#include <QBrush>
#include <QGuiApplication>
#include <algorithm>
#include <cmath>

namespace fraui {

RunCatalog::RunCatalog(QObject* parent) : QAbstractTableModel(parent), scanner_(new CatalogScanner) {
    scanner_->moveToThread(&worker_);
    connect(&worker_, &QThread::finished, scanner_, &QObject::deleteLater);
    connect(this, &RunCatalog::scanRequested, scanner_, &CatalogScanner::scan, Qt::QueuedConnection);
    connect(scanner_, &CatalogScanner::scanned, this, &RunCatalog::apply, Qt::QueuedConnection);
    worker_.start();
    connect(&timer_, &QTimer::timeout, this, &RunCatalog::refresh);
    timer_.start(2000);
}

RunCatalog::~RunCatalog() {
    worker_.quit();
    worker_.wait();
}

void RunCatalog::setFolders(const QStringList& folders) {
    folders_ = folders;
    folders_.removeDuplicates();
    refresh();
}

void RunCatalog::addFolder(const QString& folder) {
    if (!folders_.contains(folder)) folders_ << folder;
    refresh();
}

void RunCatalog::setRefreshInterval(int milliseconds) { timer_.setInterval(std::max(250, milliseconds)); }

void RunCatalog::refresh() { emit scanRequested(folders_); }

void RunCatalog::apply(const QVector<RunSummary>& runs) {
    // Rows keep their positions: update in place, append new runs, drop vanished ones.
    QVector<RunSummary> next;
    for (const auto& existing : runs_)
        for (const auto& r : runs)
            if (r.path == existing.path) next.push_back(r);
    for (const auto& r : runs) {
        bool known = false;
        for (const auto& n : next) known = known || n.path == r.path;
        if (!known) next.push_back(r);
    }
    // colours in row order for new runs; a vanished run frees its colour
    for (const auto& r : runs_)
        if (std::none_of(next.begin(), next.end(), [&](const RunSummary& n) { return n.path == r.path; })) releaseRunColour(r.path);
    for (const auto& r : next) runColour(r.path);
    if (next.size() != runs_.size()) {
        beginResetModel();
        runs_ = next;
        endResetModel();
    } else {
        runs_ = next;
        if (!runs_.isEmpty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
    emit refreshed();
}

const RunSummary* RunCatalog::summary(int row) const { return row >= 0 && row < runs_.size() ? &runs_[row] : nullptr; }

int RunCatalog::rowOf(const QString& path) const {
    for (int i = 0; i < runs_.size(); ++i)
        if (runs_[i].path == path) return i;
    return -1;
}

int RunCatalog::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : runs_.size(); }
int RunCatalog::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunCatalog::data(const QModelIndex& index, int role) const {
    const RunSummary* s = summary(index.row());
    if (!s) return {};
    if (role == PathRole) return s->path;
    if (role == LiveRole) return s->live;
    if (role == RemoteHostRole) return s->remoteHost;
    if (role == SlurmJobRole) return s->slurmJobId;
    if (role == SlurmActiveRole) return s->slurmJobActive;
    if (role == Qt::DecorationRole && index.column() == Name) return runColour(s->path);
    if (role == Qt::ToolTipRole) {
        QString tip = s->path;
        if (s->heartbeatAge >= 0) tip += "\n" + tr("last heartbeat %1 ago from %2").arg(QString::fromStdString(fra::formatAge(s->heartbeatAge)), s->host);
        return s->message.isEmpty() ? tip : tip + "\n" + s->message;
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        const QColor base = QGuiApplication::palette().color(QPalette::Base);  // the view repaints on a palette change
        if (s->state == "failed" || s->state == "unreadable") return QBrush(toneColour(Tone::Error, base));
        if (s->state == "running") return QBrush(toneColour(Tone::Good, base));
        if (s->state == "interrupted") return QBrush(toneColour(Tone::Warning, base));
        if (s->state == "late") return QBrush(toneColour(Tone::Caution, base));
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole) return {};
    auto number = [](double v) { return std::isnan(v) ? QVariant() : QVariant(QString::number(v, 'f', 4)); };
    switch (index.column()) {
    case Name: return s->name;
    case State: return s->stateText.isEmpty() ? s->state : s->stateText;
    case Preset: return s->preset;
    case Progress: return s->totalSteps > 0 ? QString("%1 / %2").arg(s->step).arg(s->totalSteps) : QString::number(s->step);
    case Job: return s->job;
    case BestLoss: return number(s->bestLoss);
    case LastLoss: return number(s->lastLoss);
    case Tags: return s->tags.join(", ");
    case Notes: return s->notes;
    }
    return {};
}

QVariant RunCatalog::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {QT_TR_NOOP("Run"),       QT_TR_NOOP("State"),     QT_TR_NOOP("Preset"),
                                  QT_TR_NOOP("Step"),      QT_TR_NOOP("Slurm job"), QT_TR_NOOP("Best loss"),
                                  QT_TR_NOOP("Last loss"), QT_TR_NOOP("Tags"),      QT_TR_NOOP("Notes")};
    return tr(names[section]);
}

Qt::ItemFlags RunCatalog::flags(const QModelIndex& index) const {
    auto f = QAbstractTableModel::flags(index);
    if (index.column() == Notes || index.column() == Tags) f |= Qt::ItemIsEditable;
    return f;
}

bool RunCatalog::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !summary(index.row())) return false;
    RunSummary& s = runs_[index.row()];
    if (index.column() == Notes) s.notes = value.toString();
    else if (index.column() == Tags) {
        s.tags.clear();
        for (const auto& t : value.toString().split(',', Qt::SkipEmptyParts)) s.tags << t.trimmed();
    } else {
        return false;
    }
    fra::RunNotes notes;
    notes.notes = s.notes.toStdString();
    for (const auto& t : s.tags) notes.tags.push_back(t.toStdString());
    try {
        notes.save(s.path.toStdString());
    } catch (const std::exception&) {
        return false;
    }
    emit dataChanged(index, index);
    return true;
}

}  // namespace fraui
