#pragma once
#include "data/RunSummary.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <QThread>
#include <QTimer>

namespace fraui {

class CatalogScanner;

// The run browser's model: every run in the watched folders, refreshed in the background.
// Notes and tags are editable and saved to the run's notes.json.
class RunCatalog : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, State, Preset, Progress, Job, BestLoss, LastLoss, Tags, Notes, ColumnCount };
    enum Role { PathRole = Qt::UserRole + 1, LiveRole, RemoteHostRole, SlurmJobRole, SlurmActiveRole };

    explicit RunCatalog(QObject* parent = nullptr);
    ~RunCatalog() override;

    void setFolders(const QStringList& folders);
    void addFolder(const QString& folder);
    const QStringList& folders() const { return folders_; }
    void setRefreshInterval(int milliseconds);

    const RunSummary* summary(int row) const;
    int rowOf(const QString& path) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

public slots:
    void refresh();

signals:
    void scanRequested(const QStringList& folders);
    void refreshed();

private slots:
    void apply(const QVector<fraui::RunSummary>& runs);

private:
    QStringList folders_;
    QVector<RunSummary> runs_;
    QThread worker_;
    CatalogScanner* scanner_;
    QTimer timer_;
};

}  // namespace fraui
