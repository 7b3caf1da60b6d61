#pragma once
#include <QColor>
#include <QPalette>
#include <functional>

class QWidget;

namespace fraui {

// WCAG 2 relative luminance (0 black .. 1 white) and contrast ratio (1 .. 21).
double relativeLuminance(const QColor& colour);
double contrastRatio(const QColor& a, const QColor& b);
// `a` moved towards `b` by t (0 = a, 1 = b).
QColor mix(const QColor& a, const QColor& b, double t);
// `colour` lightened or darkened just enough to reach `minContrast` against `background`.
QColor readableOn(const QColor& colour, const QColor& background, double minContrast = 4.5);

enum class Tone { Error, Good, Warning, Caution };
// Text in this tone, readable on `background`.
QColor toneColour(Tone tone, const QColor& background);

// Calls `react` after the widget's palette changed (the desktop's theme or the application's
// palette), once the widgets have taken the new palette.
void onPaletteChange(QWidget* widget, std::function<void()> react);
// The widget's text in the error colour (or back to the palette's), kept readable on theme changes.
void showAsError(QWidget* widget, bool error);

}  // namespace fraui
