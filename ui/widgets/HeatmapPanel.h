#pragma once
#include "widgets/HeatmapPane.h"

#include <QWidget>

class QSlider;
class QSpinBox;
class QComboBox;
class QListWidget;
class QLabel;

namespace fraui {

class HeatmapInference;

// The facial-region view: the K heatmaps over the probe faces with an opacity slider,
// per-region toggles, overlay / argmax / per-region panels, one step slider over all snapshots
// with exact step entry, and a second pane to compare two steps, two runs or two checkpoints.
// "Open images…" shows any face under the run's newest checkpoint.
class HeatmapPanel : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapPanel(HeatmapInference* inference, QWidget* parent = nullptr);

    HeatmapPane* primary() const { return primary_; }
    HeatmapPane* secondary() const { return secondary_; }
    QSlider* stepSlider() const { return stepSlider_; }
    QListWidget* regionList() const { return regions_; }

public slots:
    void setRun(const QString& runPath);
    void setCompareRun(const QString& runPath);       // second pane: another run, or the same run at another step
    void snapshotsChanged(const QString& runPath);    // from the follower
    void openImages(const QStringList& files);        // inference with the run's newest checkpoint
    void compareCheckpoint(const QString& checkpoint);  // second pane: another checkpoint on the probe faces
    // A fine-tuning's snapshots (an evaluation folder: step = epoch): the newest epoch on the left,
    // epoch 0 (the pre-trained checkpoint) on the right, one slider each.
    void showEvaluation(const QString& evalDir);

private:
    void syncSlider(bool followNewest);
    void applyStep(qint64 step);
    void rebuildRegions(int k);
    HeatmapInference* inference_;
    HeatmapPane* primary_;
    HeatmapPane* secondary_;
    QSlider* stepSlider_;
    QSpinBox* stepBox_;
    QSlider* opacity_;
    QSlider* contrast_;
    QComboBox* mode_;
    QComboBox* compare_;
    QSlider* secondSlider_;
    QListWidget* regions_;
    QLabel* status_;
};

}  // namespace fraui
