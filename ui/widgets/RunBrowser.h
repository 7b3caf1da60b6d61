#pragma once
#include <QWidget>

class QTableView;
class QLineEdit;
class QSortFilterProxyModel;

namespace fraui {

class RunCatalog;

// Every run of the watched folders with state, preset, progress, best and last loss, tags and
// notes (both editable). Selecting runs shows them, overlaid, in the plots.
class RunBrowser : public QWidget {
    Q_OBJECT
public:
    RunBrowser(RunCatalog* catalog, QWidget* parent = nullptr);
    QStringList selectedRuns() const;
    void select(const QString& runPath);
    QTableView* view() const { return view_; }

signals:
    void selectionChanged(const QStringList& runPaths);
    void openFolderRequested();
    void resumeRequested(const QString& runPath);
    // A mirrored run on another machine: "TERM" (stop with a checkpoint), "TSTP" (pause), "CONT", "fetch".
    void remoteCommandRequested(const QString& runPath, const QString& command);
    // A run submitted to Slurm: stop its job (the run checkpoints first), or cancel it while it waits.
    void slurmStopRequested(const QString& runPath, const QString& jobId);

private:
    RunCatalog* catalog_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
    QLineEdit* filter_;
};

}  // namespace fraui
