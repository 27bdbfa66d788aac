#include "harness/report/html_timeline.h"

#include <algorithm>
#include <sstream>

#include "harness/report/html_text.h"
#include "harness/util/time_format.h"

namespace harness::report {

namespace {
constexpr double k_width = 1200;
constexpr double k_label = 150;  // the lanes' names on the left
constexpr double k_right = 20;
constexpr double k_axis = 22;    // the time axis on top
constexpr double k_row = 22;
constexpr double k_chart = 90;   // each rates chart's height

// x of time `t` on the shared axis.
struct Scale {
  double end;
  double x(double t) const { return k_label + std::clamp(t / end, 0.0, 1.0) * (k_width - k_label - k_right); }
};

std::string n(double value) { return svg_number(value); }

std::string span_text(double start, double end) {
  return util::short_seconds(start) + " to " + util::short_seconds(end);
}

// A tick every 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 min...: about ten on the axis.
double tick_step(double end) {
  for (double step : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0}) {
    if (end / step <= 12) return step;
  }
  return 7200.0;
}

void axis(std::ostringstream& out, const Scale& scale, double height) {
  out << "<g class=\"axis\">";
  const double step = tick_step(scale.end);
  for (double t = 0; t <= scale.end + 1e-9; t += step) {
    out << "<line x1=\"" << n(scale.x(t)) << "\" x2=\"" << n(scale.x(t)) << "\" y1=\"" << n(k_axis - 4)
        << "\" y2=\"" << n(height) << "\"/><text x=\"" << n(scale.x(t)) << "\" y=\"" << n(k_axis - 8) << "\">"
        << n(t) << " s</text>";
  }
  out << "</g>";
}

void lane(std::ostringstream& out, const Scale& scale, const Lane& lane, double y) {
  out << "<g class=\"lane\" data-service=\"" << escape_html(lane.service) << "\"><text class=\"name\" x=\"4\" y=\""
      << n(y + k_row * 0.7) << "\">" << escape_html(lane.service) << "</text>";
  for (const auto& s : lane.spans) {
    out << "<rect class=\"span s-" << escape_html(s.state) << "\" x=\"" << n(scale.x(s.start)) << "\" y=\""
        << n(y + 3) << "\" width=\"" << n(std::max(1.0, scale.x(s.end) - scale.x(s.start))) << "\" height=\""
        << n(k_row - 6) << "\"><title>" << escape_html(lane.service + " " + s.state + ", " +
                                                         span_text(s.start, s.end))
        << "</title></rect>";
  }
  for (const double t : lane.restarts) {
    out << "<line class=\"restart\" x1=\"" << n(scale.x(t)) << "\" x2=\"" << n(scale.x(t)) << "\" y1=\"" << n(y)
        << "\" y2=\"" << n(y + k_row) << "\"><title>" << escape_html(lane.service) << " restarted at "
        << util::short_seconds(t) << "</title></line>";
  }
  out << "</g>";
}

void faults(std::ostringstream& out, const Scale& scale, const std::vector<FaultSpan>& faults, double top,
            double height, const char* css_class) {
  for (const auto& f : faults) {
    out << "<rect class=\"" << css_class << "\" data-kind=\"" << escape_html(f.kind) << "\" data-service=\""
        << escape_html(f.service) << "\" x=\"" << n(scale.x(f.start)) << "\" y=\"" << n(top) << "\" width=\""
        << n(std::max(2.0, scale.x(f.end) - scale.x(f.start))) << "\" height=\"" << n(height) << "\"><title>fault "
        << escape_html(f.kind + " " + f.service + ", " + span_text(f.start, f.end) +
                       (f.ended ? "" : " (never ended)"))
        << "</title></rect>";
  }
}

void steps_and_loads(std::ostringstream& out, const Scale& scale, const Timeline& timeline, double bottom) {
  for (const auto& step : timeline.steps) {
    out << "<line class=\"step\" x1=\"" << n(scale.x(step.t)) << "\" x2=\"" << n(scale.x(step.t)) << "\" y1=\""
        << n(k_axis) << "\" y2=\"" << n(bottom) << "\"><title>" << escape_html(step.label) << " at "
        << util::short_seconds(step.t) << "</title></line>";
  }
  out << "<text class=\"name\" x=\"4\" y=\"" << n(bottom + k_row * 0.7) << "\">loads</text>";
  for (const auto& load : timeline.loads) {
    out << "<rect class=\"load\" x=\"" << n(scale.x(load.start)) << "\" y=\"" << n(bottom + 5) << "\" width=\""
        << n(std::max(2.0, scale.x(load.end) - scale.x(load.start))) << "\" height=\"" << n(k_row - 10)
        << "\"><title>load " << escape_html(load.name + ", " + span_text(load.start, load.end)) << "</title></rect>";
  }
}

void verdict_pins(std::ostringstream& out, const Scale& scale, const Timeline& timeline,
                  const std::vector<check::Verdict>& verdicts, double y) {
  out << "<text class=\"name\" x=\"4\" y=\"" << n(y + k_row * 0.7) << "\">checks</text>";
  for (const auto& v : verdicts) {
    const double t = decided_at(timeline, v.name);
    out << "<circle class=\"verdict o-" << check::to_string(v.outcome) << "\" data-check=\"" << escape_html(v.name)
        << "\" cx=\"" << n(scale.x(t)) << "\" cy=\"" << n(y + k_row / 2) << "\" r=\"6\"><title>"
        << escape_html(v.name + ": " + check::to_string(v.outcome) + " at " + util::short_seconds(t) +
                       (v.message.empty() ? "" : ": " + v.message))
        << "</title></circle>";
  }
}
}  // namespace

std::string timeline_svg(const Timeline& timeline, const std::vector<check::Verdict>& verdicts) {
  const Scale scale{timeline.end};
  const double lanes_bottom = k_axis + k_row * static_cast<double>(timeline.lanes.size());
  const double height = lanes_bottom + 2 * k_row + 4;
  std::ostringstream out;
  out << "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << n(k_width) << " "
      << n(height) << "\" width=\"" << n(k_width) << "\" height=\"" << n(height) << "\">";
  axis(out, scale, height);
  for (std::size_t i = 0; i < timeline.lanes.size(); ++i) {
    lane(out, scale, timeline.lanes[i], k_axis + k_row * static_cast<double>(i));
  }
  faults(out, scale, timeline.faults, k_axis, lanes_bottom + k_row - k_axis, "fault");
  steps_and_loads(out, scale, timeline, lanes_bottom);
  verdict_pins(out, scale, timeline, verdicts, lanes_bottom + k_row);
  out << "</svg>";
  return out.str();
}

namespace {
// A polyline per run of consecutive seconds that have a value (a second without executions breaks the line), one
// point in the middle of each second, and a dot on each point (a lone second draws no line).
void latency_line(std::ostringstream& out, const Scale& scale, const std::vector<std::optional<double>>& values,
                  double top, double max_ms, const char* css_class) {
  std::ostringstream dots;
  bool open = false;
  for (std::size_t s = 0; s <= values.size(); ++s) {
    if (s == values.size() || !values[s]) {
      if (open) out << "\"><title>" << css_class << " publish-to-start latency (ms)</title></polyline>";
      open = false;
      continue;
    }
    const std::string x = n(scale.x(static_cast<double>(s) + 0.5));
    const std::string y = n(top + k_chart - *values[s] / max_ms * k_chart);
    if (!open) out << "<polyline class=\"" << css_class << "\" points=\"";
    open = true;
    out << x << "," << y << " ";
    dots << "<circle class=\"" << css_class << "\" cx=\"" << x << "\" cy=\"" << y << "\" r=\"2.5\"><title>"
         << css_class << " " << n(*values[s]) << " ms in second " << s << "</title></circle>";
  }
  out << dots.str();
}

void chart_label(std::ostringstream& out, double top, const std::string& label, const std::string& max) {
  out << "<text class=\"name\" x=\"4\" y=\"" << n(top + 12) << "\">" << label << "</text><text class=\"name\" x=\"4\" y=\""
      << n(top + 26) << "\">max " << max << "</text><line class=\"base\" x1=\"" << n(k_label) << "\" x2=\""
      << n(k_width - k_right) << "\" y1=\"" << n(top + k_chart) << "\" y2=\"" << n(top + k_chart) << "\"/>";
}
}  // namespace

std::string legend_svg() {
  static constexpr const char* k_states[] = {"starting", "healthy", "unhealthy", "paused", "stopped", "exited"};
  std::ostringstream out;
  out << "<svg class=\"legend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << n(k_width) << "\" height=\"18\">";
  double x = k_label;
  for (const char* state : k_states) {
    out << "<rect class=\"s-" << state << "\" x=\"" << n(x) << "\" y=\"3\" width=\"14\" height=\"12\"/><text x=\""
        << n(x + 18) << "\" y=\"13\">" << state << "</text>";
    x += 95;
  }
  out << "<rect class=\"fault-band\" x=\"" << n(x) << "\" y=\"3\" width=\"14\" height=\"12\"/><text x=\"" << n(x + 18)
      << "\" y=\"13\">fault</text><line class=\"restart\" x1=\"" << n(x + 102) << "\" x2=\"" << n(x + 102)
      << "\" y1=\"2\" y2=\"16\"/><text x=\"" << n(x + 108) << "\" y=\"13\">restart</text><line class=\"step\" x1=\""
      << n(x + 182) << "\" x2=\"" << n(x + 182) << "\" y1=\"2\" y2=\"16\"/><text x=\"" << n(x + 188)
      << "\" y=\"13\">step</text></svg>";
  return out.str();
}

std::string rates_svg(const Timeline& timeline) {
  const auto& per = timeline.per_second;
  if (per.executions.empty()) return {};
  const Scale scale{timeline.end};
  const int max_rate = std::max(1, *std::max_element(per.executions.begin(), per.executions.end()));
  double max_ms = 1;
  for (const auto& v : per.p99_ms) max_ms = std::max(max_ms, v.value_or(0));
  const double latency_top = k_chart + 20;
  const double height = latency_top + k_chart + 6;
  std::ostringstream out;
  out << "<svg class=\"rates\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << n(k_width) << " " << n(height)
      << "\" width=\"" << n(k_width) << "\" height=\"" << n(height) << "\">";
  faults(out, scale, timeline.faults, 0, height, "fault-band");
  chart_label(out, 0, "executions/s", std::to_string(max_rate));
  for (std::size_t s = 0; s < per.executions.size(); ++s) {
    if (per.executions[s] == 0) continue;
    const double h = per.executions[s] * k_chart / max_rate;
    out << "<rect class=\"rate\" x=\"" << n(scale.x(static_cast<double>(s))) << "\" y=\"" << n(k_chart - h)
        << "\" width=\"" << n(std::max(1.0, scale.x(static_cast<double>(s + 1)) - scale.x(static_cast<double>(s)) - 1))
        << "\" height=\"" << n(h) << "\"><title>" << per.executions[s]
        << " executions started in second " << s << "</title></rect>";
  }
  chart_label(out, latency_top, "latency p50/p99", svg_number(max_ms) + " ms");
  latency_line(out, scale, per.p50_ms, latency_top, max_ms, "p50");
  latency_line(out, scale, per.p99_ms, latency_top, max_ms, "p99");
  out << "</svg>";
  return out.str();
}

}  // namespace harness::report
