#include "util/Theme.h"

#include <QEvent>
#include <QTimer>
#include <QWidget>
#include <cmath>

namespace fraui {

double relativeLuminance(const QColor& colour) {
    auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    const QColor rgb = colour.toRgb();
    return 0.2126 * linear(rgb.redF()) + 0.7152 * linear(rgb.greenF()) + 0.0722 * linear(rgb.blueF());
}

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = relativeLuminance(a), lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor mix(const QColor& a, const QColor& b, double t) {
    const QColor x = a.toRgb(), y = b.toRgb();
    return QColor::fromRgbF(x.redF() + (y.redF() - x.redF()) * t, x.greenF() + (y.greenF() - x.greenF()) * t,
                            x.blueF() + (y.blueF() - x.blueF()) * t, x.alphaF() + (y.alphaF() - x.alphaF()) * t);
}

QColor readableOn(const QColor& colour, const QColor& background, double minContrast) {
    const QColor towards = relativeLuminance(background) < 0.18 ? QColor(Qt::white) : QColor(Qt::black);
    QColor out = colour;
    for (int step = 1; step <= 20 && contrastRatio(out, background) < minContrast; ++step) out = mix(colour, towards, step / 20.0);
    return out;
}

QColor toneColour(Tone tone, const QColor& background) {
    switch (tone) {
    case Tone::Error: return readableOn(QColor(230, 60, 50), background);
    case Tone::Good: return readableOn(QColor(40, 170, 60), background);
    case Tone::Warning: return readableOn(QColor(235, 140, 0), background);
    case Tone::Caution: return readableOn(QColor(200, 170, 0), background);
    }
    return background;
}

namespace {
class PaletteWatcher : public QObject {
public:
    PaletteWatcher(QWidget* widget, std::function<void()> react) : QObject(widget), react_(std::move(react)) { widget->installEventFilter(this); }

protected:
    bool eventFilter(QObject*, QEvent* event) override {
        // queued: an application palette reaches the widgets one by one
        if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) && !pending_) {
            pending_ = true;
            QTimer::singleShot(0, this, [this] {
                pending_ = false;
                react_();
            });
        }
        return false;
    }

private:
    std::function<void()> react_;
    bool pending_ = false;
};

constexpr const char* kName = "fraErrorText";

class ErrorText : public QObject {
public:
    explicit ErrorText(QWidget* widget) : QObject(widget), widget_(widget) {
        setObjectName(kName);
        onPaletteChange(widget, [this] { apply(); });
    }
    void set(bool error) {
        error_ = error;
        apply();
    }

private:
    void apply() {
        const QColor background = widget_->palette().color(widget_->backgroundRole());
        const QString sheet = error_ ? QString("color: %1;").arg(toneColour(Tone::Error, background).name()) : QString();
        if (widget_->styleSheet() != sheet) widget_->setStyleSheet(sheet);
    }
    QWidget* widget_;
    bool error_ = false;
};
}  // namespace

void onPaletteChange(QWidget* widget, std::function<void()> react) { new PaletteWatcher(widget, std::move(react)); }

void showAsError(QWidget* widget, bool error) {
    auto* text = static_cast<ErrorText*>(widget->findChild<QObject*>(kName, Qt::FindDirectChildrenOnly));
    if (!text) text = new ErrorText(widget);
    text->set(error);
}

}  // namespace fraui
