#include "spincim/config/study.hpp"

#include <algorithm>
#include <array>

#include "spincim/config/reader.hpp"
#include "spincim/units/units.hpp"

namespace spincim::config {

namespace {

using netlist::Node;
using SK = SignalSpec::Kind;

constexpr std::array<std::string_view, 3> kCircuitKinds{"rc", "divider", "elements"};
constexpr std::array<std::string_view, 3> kAnalyses{"op", "dc", "tran"};
constexpr std::array<std::string_view, 9> kMeasureKinds{
    "final", "value_at", "cross", "delay", "average", "integral", "energy", "min", "max"};
constexpr std::array<std::string_view, 3> kEdges{"rise", "fall", "either"};
constexpr std::array<std::string_view, 12> kElementTypes{"R", "C", "L", "V", "I", "B",
                                                         "E", "G", "M", "D", "S", "X"};

analysis::Edge to_edge(const std::string& s) {
    return s == "rise"   ? analysis::Edge::rise
           : s == "fall" ? analysis::Edge::fall
                         : analysis::Edge::either;
}

// A node as the study writes it: `0` and `gnd` mean ground; anything else must be a valid name.
Node read_node(const Value& v) {
    const std::string s = v.node().IsScalar() ? v.node().Scalar() : std::string{};
    if (s == "0" || s == "gnd" || s == "GND")
        return Node::ground();
    const Node n(v.identifier());
    if (const std::string why = n.problem(); !why.empty())
        v.fail(why);
    return n;
}

std::vector<Node> read_nodes(Map& m, std::size_t count) {
    const Value v = m.required("nodes");
    const auto items = v.items();
    if (items.size() != count)
        v.fail("needs " + std::to_string(count) + " nodes, got " + std::to_string(items.size()));
    std::vector<Node> out;
    for (const auto& item : items)
        out.push_back(read_node(item));
    return out;
}

std::vector<Node> read_node_list(Map& m) {
    std::vector<Node> out;
    for (const auto& item : m.required("nodes").items())
        out.push_back(read_node(item));
    return out;
}

// PULSE as a mapping {v1, v2, delay, rise, fall, width, period}.
netlist::Pulse read_pulse(const Value& v) {
    Map m = v.map();
    netlist::Pulse p{.initial = m.required("v1").number(),
                     .pulsed = m.required("v2").number(),
                     .delay = m.number_or("delay", 0.0),
                     .rise = m.required("rise").positive(),
                     .fall = m.required("fall").positive(),
                     .width = m.required("width").positive(),
                     .period = m.required("period").positive()};
    m.finish();
    return p;
}

// PWL as a list of [time, value] pairs with strictly increasing times.
netlist::Pwl read_pwl(const Value& v) {
    netlist::Pwl p;
    double last = -1.0;
    for (const auto& item : v.items()) {
        const auto pair = item.items();
        if (pair.size() != 2)
            item.fail("a PWL point is [time, value]");
        const double t = pair[0].non_negative();
        if (!p.points.empty() && !(t > last))
            pair[0].fail("PWL times must increase strictly");
        last = t;
        p.points.emplace_back(t, pair[1].number());
    }
    if (p.points.empty())
        v.fail("a PWL needs at least one point");
    return p;
}

netlist::Waveform read_source_waveform(Map& m) {
    if (m.has("pulse") && m.has("pwl"))
        m.value().fail("give either 'pulse' or 'pwl', not both");
    if (auto p = m.optional("pulse"))
        return read_pulse(*p);
    if (auto p = m.optional("pwl"))
        return read_pwl(*p);
    return std::monostate{};
}

std::vector<netlist::InstanceParam> read_instance_params(Map& m) {
    std::vector<netlist::InstanceParam> out;
    if (auto v = m.optional("params")) {
        Map pm = v->map();
        for (auto it = v->node().begin(); it != v->node().end(); ++it) {
            const std::string key = it->first.Scalar();
            const Value pv = pm.required(key);
            // The key itself must be an identifier; validate it through a Value at the key.
            (void)Value(it->first, pv.context(), pv.path(), {}).identifier();
            out.push_back({key, pv.number()});
        }
        pm.finish();
    }
    return out;
}

netlist::Element read_element(const Value& v) {
    Map m = v.map();
    const std::string type = m.required("type").choice(kElementTypes);
    const std::string name = m.required("name").identifier();
    std::optional<netlist::Element> e;
    if (type == "R") {
        const auto n = read_nodes(m, 2);
        e = netlist::Resistor{name, n[0], n[1], m.required("value").positive()};
    } else if (type == "C") {
        const auto n = read_nodes(m, 2);
        netlist::Capacitor c{name, n[0], n[1], m.required("value").positive(), {}};
        if (auto ic = m.optional("ic"))
            c.initial_voltage = ic->number();
        e = c;
    } else if (type == "L") {
        const auto n = read_nodes(m, 2);
        netlist::Inductor l{name, n[0], n[1], m.required("value").positive(), {}};
        if (auto ic = m.optional("ic"))
            l.initial_current = ic->number();
        e = l;
    } else if (type == "V" || type == "I") {
        const auto n = read_nodes(m, 2);
        std::optional<netlist::Value> dc;
        if (auto d = m.optional("dc"))
            dc = d->number();
        const auto wave = read_source_waveform(m);
        if (type == "V")
            e = netlist::VoltageSource{name, n[0], n[1], dc, wave};
        else
            e = netlist::CurrentSource{name, n[0], n[1], dc, wave};
    } else if (type == "B") {
        const auto n = read_nodes(m, 2);
        const std::size_t which = m.one_of(std::array<std::string_view, 2>{"v", "i"});
        const Value ev = m.required(which == 0 ? "v" : "i");
        const std::string text = ev.text();
        try {
            e = netlist::BehavioralSource{name, n[0], n[1],
                                          which == 0 ? netlist::Behavior::voltage
                                                     : netlist::Behavior::current,
                                          netlist::Expr::parse(text)};
        } catch (const InputError& err) {
            throw err.at(ev.where());
        }
    } else if (type == "E" || type == "G") {
        const auto n = read_nodes(m, 4);
        if (type == "E")
            e = netlist::Vcvs{name, n[0], n[1], n[2], n[3], m.required("gain").number()};
        else
            e = netlist::Vccs{name, n[0], n[1],
                              n[2], n[3], m.required("transconductance").number()};
    } else if (type == "M") {
        const auto n = read_nodes(m, 4);
        netlist::Mosfet mos{name,
                            n[0],
                            n[1],
                            n[2],
                            n[3],
                            m.required("model").identifier(),
                            m.required("w").positive(),
                            m.required("l").positive(),
                            {},
                            {}};
        if (auto mult = m.optional("m"))
            mos.multiplier = static_cast<double>(mult->integer(1, 100000));
        mos.extra = read_instance_params(m);
        e = mos;
    } else if (type == "D") {
        const auto n = read_nodes(m, 2);
        netlist::Diode d{name, n[0], n[1], m.required("model").identifier(), {}};
        if (auto a = m.optional("area"))
            d.area = a->positive();
        e = d;
    } else if (type == "S") {
        const auto n = read_nodes(m, 4);
        e = netlist::Switch{name, n[0], n[1], n[2], n[3], m.required("model").identifier()};
    } else { // X
        e = netlist::SubcktInstance{name, read_node_list(m), m.required("subckt").identifier(),
                                    read_instance_params(m)};
    }
    m.finish();
    return std::move(*e);
}

ElementsSpec read_elements_circuit(Map& c, const std::filesystem::path& models_root) {
    ElementsSpec spec;
    for (const auto& inc : [&] {
             std::vector<Value> v;
             if (auto i = c.optional("include"))
                 v = i->items();
             return v;
         }()) {
        const std::string path = inc.text();
        try {
            spec.netlist.add_include(models_root, path);
        } catch (const InputError& err) {
            throw err.at(inc.where());
        }
    }
    if (auto params = c.optional("params")) {
        Map pm = params->map();
        for (auto it = params->node().begin(); it != params->node().end(); ++it) {
            const Value pv = pm.required(it->first.Scalar());
            const std::string key = Value(it->first, pv.context(), pv.path(), {}).identifier();
            try {
                spec.netlist.add_param(key, pv.number());
            } catch (const InputError& err) {
                throw err.at(pv.where());
            }
        }
        pm.finish();
    }
    if (auto models = c.optional("models")) {
        for (const auto& mv : models->items()) {
            Map mm = mv.map();
            netlist::ModelCard card{
                mm.required("name").identifier(), mm.required("type").identifier(), {}};
            if (auto params = mm.optional("params")) {
                Map pm = params->map();
                for (auto it = params->node().begin(); it != params->node().end(); ++it) {
                    const Value pv = pm.required(it->first.Scalar());
                    card.params.push_back(
                        {Value(it->first, pv.context(), pv.path(), {}).identifier(), pv.number()});
                }
                pm.finish();
            }
            mm.finish();
            try {
                spec.netlist.add_model(std::move(card));
            } catch (const InputError& err) {
                throw err.at(mv.where());
            }
        }
    }
    const Value elements = c.required("elements");
    for (const auto& ev : elements.items()) {
        netlist::Element e = read_element(ev);
        try {
            spec.netlist.add(std::move(e));
        } catch (const InputError& err) {
            throw err.at(ev.where());
        }
    }
    if (spec.netlist.elements().empty())
        elements.fail("a circuit needs at least one element");
    return spec;
}

CircuitSpec read_circuit(const Value& v, const std::filesystem::path& models_root) {
    Map c = v.map();
    const std::string kind = c.required("kind").choice(kCircuitKinds);
    CircuitSpec spec;
    if (kind == "rc") {
        circuits::RcStepSpec rc;
        rc.r = c.positive_or("r", rc.r);
        rc.c = c.positive_or("c", rc.c);
        rc.v_step = c.number_or("v_step", rc.v_step);
        rc.t_delay = c.number_or("t_delay", rc.t_delay);
        rc.t_rise = c.positive_or("t_rise", rc.t_rise);
        if (rc.t_delay < 0)
            c.required("t_delay").fail("must not be negative");
        spec = rc;
    } else if (kind == "divider") {
        circuits::DividerSpec d;
        d.v_in = c.number_or("v_in", d.v_in);
        d.r_top = c.positive_or("r_top", d.r_top);
        d.r_bottom = c.positive_or("r_bottom", d.r_bottom);
        spec = d;
    } else {
        spec = read_elements_circuit(c, models_root);
    }
    c.finish();
    return spec;
}

netlist::Analysis read_analysis(const Value& v, const SimulationSpec& sim) {
    Map a = v.map();
    const std::size_t which = a.one_of(kAnalyses);
    netlist::Analysis out;
    const Value body = a.required(kAnalyses[which]);
    Map m = body.map();
    if (which == 0) {
        out = netlist::OpAnalysis{};
    } else if (which == 1) {
        netlist::DcAnalysis dc{m.required("source").identifier(), m.required("start").number(),
                               m.required("stop").number(), 0.0};
        const Value step = m.required("step");
        dc.step = step.positive();
        const double points = std::abs(dc.stop - dc.start) / dc.step + 1;
        if (points > sim.max_points)
            step.fail(
                "the sweep has " + units::to_eng(points) +
                " points, more than simulation.max_points = " + units::to_eng(sim.max_points));
        out = dc;
    } else {
        netlist::TranAnalysis tr{};
        const Value step = m.required("step");
        const Value stop = m.required("stop");
        tr.step = step.positive();
        tr.stop = stop.positive();
        if (!(tr.stop > tr.step))
            stop.fail("stop (" + units::to_eng(tr.stop) + "s) must be greater than step (" +
                      units::to_eng(tr.step) + "s)");
        if (auto s = m.optional("start")) {
            tr.start = s->non_negative();
            if (!(*tr.start < tr.stop))
                s->fail("start must be before stop");
        }
        if (auto s = m.optional("max_step"))
            tr.max_step = s->positive();
        tr.uic = m.boolean_or("uic", false);
        // The step budget: `.tran 1e-30 1` asks for 1e30 points and would run until killed
        // (shared/NGSPICE.md). Refuse what cannot finish instead of waiting for the timeout.
        const double finest = tr.max_step ? std::min(tr.step, *tr.max_step) : tr.step;
        const double points = (tr.stop - tr.start.value_or(0.0)) / finest;
        if (points > sim.max_points)
            step.fail("the transient asks for " + units::to_eng(points) +
                      " time points (stop/step), more than "
                      "simulation.max_points = " +
                      units::to_eng(sim.max_points) +
                      "; use a larger step or raise simulation.max_points");
        out = tr;
    }
    m.finish();
    a.finish();
    try {
        netlist::check_analysis(out);
    } catch (const InputError& err) {
        throw err.at(body.where());
    }
    return out;
}

// Signals: `v(node)` or `i(source)`; returns the canonical lower-case name and registers it.
std::string read_signal(const Value& v, std::vector<SignalSpec>& signals) {
    const std::string raw = v.text();
    std::string s;
    for (char ch : raw)
        if (ch != ' ')
            s += (ch >= 'A' && ch <= 'Z') ? char(ch - 'A' + 'a') : ch;
    const bool shape =
        s.size() > 3 && (s[0] == 'v' || s[0] == 'i') && s[1] == '(' && s.back() == ')';
    const std::string inner = shape ? s.substr(2, s.size() - 3) : std::string{};
    if (!shape || !netlist::identifier_problem(inner).empty() || inner == "gnd")
        v.fail("'" + raw +
               "' is not a signal: write v(node) for a node voltage or i(source) for the current "
               "of a voltage source, with names of letters, digits and '_'");
    const SK kind = s[0] == 'v' ? SK::node_voltage : SK::source_current;
    const auto it = std::find_if(signals.begin(), signals.end(),
                                 [&](const SignalSpec& x) { return x.name == s; });
    if (it == signals.end())
        signals.push_back({s, kind, inner, v.where()});
    return s;
}

std::string signal_unit(const std::string& name) {
    return name.starts_with("i(") ? "A" : "V";
}

std::string axis_unit(const netlist::Analysis& a) {
    if (std::holds_alternative<netlist::TranAnalysis>(a))
        return "s";
    return ""; // DC sweeps: the unit of the swept source; op: no axis
}

analysis::MeasureSpec read_measure(const Value& v, std::vector<SignalSpec>& signals,
                                   const netlist::Analysis& an, std::vector<std::string>& names) {
    Map m = v.map();
    analysis::MeasureSpec s;
    s.where = v.where();
    const Value name = m.required("name");
    s.name = name.identifier();
    if (std::find(names.begin(), names.end(), s.name) != names.end())
        name.fail("measurement name '" + s.name + "' is used twice");
    names.push_back(s.name);
    const std::string kind = m.required("kind").choice(kMeasureKinds);
    const bool windowed = kind == "average" || kind == "integral" || kind == "energy" ||
                          kind == "min" || kind == "max";
    if (kind == "energy") {
        if (!std::holds_alternative<netlist::TranAnalysis>(an))
            m.required("kind").fail("an energy measurement needs a transient analysis");
        const Value src = m.required("source");
        const std::string source = src.identifier();
        s.kind = analysis::MeasureKind::energy;
        s.signal = "vsource(" + netlist::to_lower(source) + ")";
        if (std::none_of(signals.begin(), signals.end(),
                         [&](const SignalSpec& x) { return x.name == s.signal; }))
            signals.push_back(
                {s.signal, SK::source_voltage, netlist::to_lower(source), src.where()});
        s.target = "i(" + netlist::to_lower(source) + ")";
        if (std::none_of(signals.begin(), signals.end(),
                         [&](const SignalSpec& x) { return x.name == s.target; }))
            signals.push_back(
                {s.target, SK::source_current, netlist::to_lower(source), src.where()});
        s.unit = "J";
    } else {
        s.signal = read_signal(m.required("signal"), signals);
        s.unit = signal_unit(s.signal);
    }
    if (kind == "final") {
        s.kind = analysis::MeasureKind::final_value;
    } else if (kind == "value_at") {
        s.kind = analysis::MeasureKind::value_at;
        s.at = m.required("at").number();
    } else if (kind == "cross" || kind == "delay") {
        s.kind = kind == "cross" ? analysis::MeasureKind::cross : analysis::MeasureKind::delay;
        s.level = m.required("level").number();
        s.edge = to_edge(m.choice_or("edge", kEdges, "either"));
        s.nth = static_cast<int>(m.integer_or("nth", 1, 1, 1000000));
        s.from = m.number_or("after", -1e300);
        s.unit = axis_unit(an);
        if (kind == "delay") {
            s.target = read_signal(m.required("target"), signals);
            s.target_level = m.required("target_level").number();
            s.target_edge = to_edge(m.choice_or("target_edge", kEdges, "either"));
        }
    } else if (kind == "average") {
        s.kind = analysis::MeasureKind::average;
    } else if (kind == "integral") {
        s.kind = analysis::MeasureKind::integral;
        s.unit += "*" + (axis_unit(an).empty() ? std::string("1") : axis_unit(an));
    } else if (kind == "min") {
        s.kind = analysis::MeasureKind::minimum;
    } else if (kind == "max") {
        s.kind = analysis::MeasureKind::maximum;
    }
    if (windowed) {
        if (auto f = m.optional("from"))
            s.from = f->number();
        if (auto t = m.optional("to")) {
            s.to = t->number();
            if (!(s.to > s.from))
                t->fail("'to' must be after 'from'");
        }
    }
    m.finish();
    return s;
}

} // namespace

XnorRowStudySpec read_xnor_row(const Value& v) {
    Map m = v.map();
    XnorRowStudySpec x;
    if (auto sizes = m.optional("sizes")) {
        x.sizes.clear();
        for (const auto& item : sizes->items())
            x.sizes.push_back(static_cast<std::size_t>(item.integer(1, 1024)));
        if (x.sizes.empty())
            sizes->fail("give at least one row size");
    } else {
        v.context()->resolved["xnor_row"]["sizes"] = x.sizes; // the default, recorded as resolved
    }
    x.samples = static_cast<std::size_t>(m.integer_or("samples", 1, 1, 10000));
    x.single_bitcell = m.boolean_or("single_bitcell", true);
    x.read_current_limit = m.positive_or("read_current_limit", x.read_current_limit);
    read_row_electrical(m, x.row);
    m.finish();
    return x;
}

// A file named in the study: relative paths are taken from the study file's folder; the file
// must exist.
std::string existing_file(const Value& v, const std::filesystem::path& base) {
    const std::filesystem::path p = std::filesystem::path(v.text());
    const std::filesystem::path full = p.is_absolute() ? p : base / p;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(full, ec))
        v.fail("no such file: " + full.string());
    return full.string();
}

network::NetworkStudySpec read_network(const Value& v, const std::filesystem::path& study_dir,
                                       const std::filesystem::path& models_root,
                                       const std::string& name, std::uint64_t seed) {
    Map m = v.map();
    network::NetworkStudySpec n;
    n.name = name;
    n.seed = seed;
    // A data file's own error keeps the file's location (byte offset, line) and names the study
    // key that pointed at it.
    const auto named_by = [](const Value& key, auto&& check) -> decltype(check()) {
        try {
            return check();
        } catch (const InputError& e) {
            throw InputError(std::string(e.detail())
                                 .append(" (file given at ")
                                 .append(key.where().str())
                                 .append(")"),
                             e.where());
        }
    };
    constexpr std::array<std::string_view, 2> datasets{"digits", "mnist"};
    n.dataset = m.choice_or("dataset", datasets, "digits");
    int n_features = network::digits_features;
    const int n_classes = network::digits_classes; // MNIST has the same ten digit classes
    if (n.dataset == "digits") {
        if (auto f = m.optional("digits_csv")) {
            n.digits_csv = existing_file(*f, study_dir);
        } else {
            // The built-in data set shipped with spincim (netlists/data/README.md).
            n.digits_csv =
                (models_root.parent_path() / "netlists" / "data" / "digits8x8.csv").string();
            if (!std::filesystem::is_regular_file(n.digits_csv))
                m.value().fail("the built-in digits data set is not at " + n.digits_csv +
                               "; give digits_csv");
        }
    } else {
        Map mn = m.required("mnist").map();
        const Value train_images = mn.required("train_images");
        const Value test_images = mn.required("test_images");
        n.mnist_train_images = existing_file(train_images, study_dir);
        n.mnist_train_labels = existing_file(mn.required("train_labels"), study_dir);
        n.mnist_test_images = existing_file(test_images, study_dir);
        n.mnist_test_labels = existing_file(mn.required("test_labels"), study_dir);
        mn.finish();
        // Headers, sizes and labels are checked now, so that `check` finds a bad IDX file.
        const auto train = named_by(train_images, [&] {
            return network::check_mnist_idx(n.mnist_train_images, n.mnist_train_labels);
        });
        const auto test = named_by(test_images, [&] {
            return network::check_mnist_idx(n.mnist_test_images, n.mnist_test_labels);
        });
        if (test.rows != train.rows || test.cols != train.cols)
            test_images.fail("the test images are " + std::to_string(test.rows) + "x" +
                             std::to_string(test.cols) + " pixels but the training images " +
                             std::to_string(train.rows) + "x" + std::to_string(train.cols));
        n_features = static_cast<int>(train.rows * train.cols);
    }
    // A trained model to evaluate instead of training one (bnn_model.hpp text format).
    std::optional<network::BnnModel> model;
    std::optional<Value> model_key = m.optional("model");
    if (model_key) {
        n.model_file = existing_file(*model_key, study_dir);
        model = named_by(*model_key, [&] { return network::load_model(n.model_file); });
    }
    n.max_train = static_cast<std::size_t>(m.integer_or("max_train", 0, 0, 100000000));
    n.max_test = static_cast<std::size_t>(m.integer_or("max_test", 0, 0, 100000000));
    if (auto h = m.optional("hidden"); h && model) {
        h->fail("the model file fixes the hidden layer widths; remove 'hidden'");
    } else if (model) {
        n.hidden = network::hidden_widths(*model);
        v.context()->resolved["network"]["hidden"] = n.hidden;
    } else if (h) {
        n.hidden.clear();
        for (const auto& item : h->items())
            n.hidden.push_back(static_cast<int>(item.integer(1, 65536)));
        if (n.hidden.empty())
            h->fail("give at least one hidden layer width");
    } else {
        v.context()->resolved["network"]["hidden"] = n.hidden;
    }
    n.train.epochs = static_cast<int>(m.integer_or("epochs", n.train.epochs, 1, 10000));
    n.train.batch_size =
        static_cast<int>(m.integer_or("batch_size", n.train.batch_size, 1, 100000));
    n.train.learning_rate = m.positive_or("learning_rate", n.train.learning_rate);
    n.train.seed = seed;
    n.float_reference = m.boolean_or("float_reference", n.float_reference);
    n.compare_flat_aer = m.boolean_or("compare_flat_aer", n.compare_flat_aer);
    n.repeats = static_cast<int>(m.integer_or("repeats", n.repeats, 1, 100000));
    n.threads = static_cast<int>(m.integer_or("threads", 0, 0, 1024));
    n.access_time_s = m.positive_or("access_time", n.access_time_s);
    const Value arrays = m.required("arrays");
    for (const auto& av : arrays.items()) {
        Map a = av.map();
        network::ArrayCase c;
        c.n_columns = static_cast<int>(a.required("n").integer(1, 65536));
        c.m_rows = static_cast<int>(a.integer_or("m", 0, 0, 65536));
        c.boost = a.boolean_or("boost", false);
        c.access_width = a.positive_or("access_width", c.access_width);
        if (auto l = a.optional("label"))
            c.label = l->identifier();
        if (auto f = a.optional("crer"))
            c.crer_csv = existing_file(*f, study_dir);
        if (auto e = a.optional("energy_per_accumulation"))
            c.energy_per_accumulation_j = e->positive();
        a.finish();
        n.arrays.push_back(std::move(c));
    }
    if (n.arrays.empty())
        arrays.fail("give at least one array configuration");
    if (model)
        named_by(*model_key,
                 [&] { network::check_model_fits(*model, n_features, n_classes, n.arrays); });
    m.finish();
    return n;
}

StudySpec parse_root(const Value& root, const std::filesystem::path& models_root) {
    StudySpec spec;
    spec.file = root.file();
    Map top = root.map();
    spec.name = top.required("study").identifier();
    spec.seed = top.required("seed").seed();
    if (auto d = top.optional("description"))
        spec.description = d->text();
    if (auto sim = top.optional("simulation")) {
        Map sm = sim->map();
        if (auto t = sm.optional("timeout"))
            spec.simulation.timeout_s = t->number_in(1e-3, 86400.0);
        if (auto p = sm.optional("max_points"))
            spec.simulation.max_points = p->number_in(10.0, netlist::kMaxAnalysisPoints);
        sm.finish();
    }
    constexpr std::array<std::string_view, 5> kinds{"circuit", "xnor_row", "network", "monte_carlo",
                                                    "crossbar"};
    const std::size_t kind = top.one_of(kinds);
    if (kind != 0) {
        if (kind == 1)
            spec.xnor_row = read_xnor_row(top.required("xnor_row"));
        else if (kind == 3)
            spec.monte_carlo = read_monte_carlo(top.required("monte_carlo"));
        else if (kind == 4)
            spec.crossbar = read_crossbar_study(top.required("crossbar"),
                                                std::filesystem::absolute(spec.file).parent_path(),
                                                models_root);
        else
            spec.network = read_network(top.required("network"),
                                        std::filesystem::absolute(spec.file).parent_path(),
                                        models_root, spec.name, spec.seed);
        for (const char* key : {"analysis", "measure", "output"})
            if (auto v = top.optional(key))
                v->fail("a " + std::string(kinds[kind]) +
                        " study sets its own analysis and measurements; remove '" + key + "'");
        top.finish();
        spec.resolved = root.context()->resolved;
        if (spec.xnor_row)
            (void)build_netlist(spec); // validates the electrical parameters
        return spec;
    }
    spec.circuit = read_circuit(top.required("circuit"), models_root);
    const Value an = top.required("analysis");
    spec.analysis_where = an.where();
    spec.analysis = read_analysis(an, spec.simulation);
    std::vector<std::string> names;
    if (auto ms = top.optional("measure"))
        for (const auto& mv : ms->items())
            spec.measures.push_back(read_measure(mv, spec.signals, spec.analysis, names));
    if (auto out = top.optional("output")) {
        Map om = out->map();
        if (auto w = om.optional("waveforms"))
            for (const auto& wv : w->items())
                spec.waveforms.push_back(read_signal(wv, spec.signals));
        om.finish();
    }
    top.finish();
    spec.resolved = root.context()->resolved;
    return spec;
}

StudySpec load_study(const std::filesystem::path& file, const std::filesystem::path& models_root) {
    return parse_root(load_yaml_file(file), models_root);
}

StudySpec parse_study(std::string_view text, const std::string& file_name,
                      const std::filesystem::path& models_root) {
    return parse_root(load_yaml_text(text, file_name), models_root);
}

netlist::Netlist xnor_point_netlist(const StudySpec& study, std::size_t n, std::size_t n1,
                                    std::uint64_t sample) {
    circuits::XnorRowSpec row = study.xnor_row.value().row;
    const auto vectors = circuits::xnor_vectors_for_n1(n, n1, study.seed, sample);
    row.weights = vectors.weights;
    row.inputs = vectors.inputs;
    netlist::Netlist net = circuits::xnor_row(row);
    net.set_title("spincim study " + study.name + " N " + std::to_string(n) + " N1 " +
                  std::to_string(n1) + " sample " + std::to_string(sample));
    return net;
}

netlist::Netlist build_netlist(const StudySpec& study) {
    if (study.network)
        throw InputError("a network study simulates no netlist (it consumes CRER tables)",
                         SourceLocation{study.file, 0, 0, "network"});
    if (study.monte_carlo)
        throw InputError("a monte_carlo study simulates one netlist per sample: run it with "
                         "`spincim sweep`",
                         SourceLocation{study.file, 0, 0, "monte_carlo"});
    if (study.crossbar)
        throw InputError("a crossbar study simulates no netlist (it uses the native solver)",
                         SourceLocation{study.file, 0, 0, "crossbar"});
    if (study.xnor_row) {
        const std::size_t n = study.xnor_row->sizes.front();
        return xnor_point_netlist(study, n, n / 2, 0);
    }
    netlist::Netlist n = std::visit(
        [](const auto& c) -> netlist::Netlist {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, circuits::RcStepSpec>)
                return circuits::rc_step(c);
            else if constexpr (std::is_same_v<T, circuits::DividerSpec>)
                return circuits::divider(c);
            else
                return c.netlist;
        },
        study.circuit);
    n.set_title("spincim study " + study.name);
    try {
        n.add_analysis(study.analysis);
    } catch (const InputError& err) {
        throw err.at(study.analysis_where);
    }
    // Nodes of the top level, for checking the signals the study names.
    std::vector<Node> nodes;
    for (const auto& e : n.elements())
        for (const auto& node : netlist::nodes_of(e))
            if (std::find(nodes.begin(), nodes.end(), node) == nodes.end())
                nodes.push_back(node);
    const auto has_node = [&](const std::string& name) {
        return std::find(nodes.begin(), nodes.end(), Node(name)) != nodes.end();
    };
    const auto vsource = [&](const std::string& name) -> const netlist::VoltageSource* {
        const auto* e = n.find(name);
        return e ? std::get_if<netlist::VoltageSource>(e) : nullptr;
    };
    for (const auto& s : study.signals) {
        switch (s.kind) {
        case SK::node_voltage:
            if (!has_node(s.target))
                throw InputError("the circuit has no node '" + s.target + "'", s.where);
            n.save(netlist::Probe::voltage(s.target));
            break;
        case SK::source_current:
            if (!vsource(s.target))
                throw InputError("the circuit has no voltage source '" + s.target +
                                     "' (currents are measured "
                                     "through voltage sources)",
                                 s.where);
            n.save(netlist::Probe::current(s.target));
            break;
        case SK::source_voltage: {
            const auto* v = vsource(s.target);
            if (!v)
                throw InputError("the circuit has no voltage source '" + s.target + "'", s.where);
            for (const Node& node : {v->pos, v->neg})
                if (!node.is_ground())
                    n.save(netlist::Probe::voltage(node));
            break;
        }
        }
    }
    return n;
}

} // namespace spincim::config

namespace spincim::config {

std::string study_reference() {
    return R"(Study file reference (YAML). Numbers take the suffixes f p n u m k meg g t (m = milli).

  study: NAME                  name of the study (letters, digits, '_')
  seed: N                      seed of every random stream (0 ... 2^64-1)
  description: TEXT            optional free text
  circuit:                     (or xnor_row, below)
    kind: rc                   RC low-pass driven by a step: r (1k), c (1n), v_step (1),
                               t_delay (0), t_rise (1p); nodes in, out; source vin
    kind: divider              resistive divider: v_in (1), r_top (1k), r_bottom (1k);
                               nodes in, out; source vin
    kind: elements             a circuit element by element:
      include: [FILE, ...]       model files under the models folder
      params: {NAME: VALUE}      .param definitions
      models: [{name, type, params: {KEY: VALUE}}]   .model cards (nmos, pmos, d, sw, ...)
      elements:                  each {type, name, nodes: [...], ...}; node 0 or gnd is ground
        R|C|L: value (ic for C and L)     V|I: dc, pulse {v1 v2 delay rise fall width period}
        or pwl [[t, v], ...]     B: v or i (expression)    E: gain    G: transconductance
        M: model, w, l, m, params {delvto ...}    D: model, area    S: model
        X: subckt, params {NAME: VALUE}
  analysis:                    exactly one of
    op: {}
    dc: {source, start, stop, step}
    tran: {step, stop, start, max_step, uic}
  simulation:
    timeout: 60                wall-clock bound of one run, seconds
    max_points: 1meg           refuse analyses asking for more points (stop/step)
  measure:                     list of {name, kind, ...}
    kind: final                signal
    kind: value_at             signal, at
    kind: cross                signal, level, edge (rise|fall|either), nth, after
    kind: delay                signal, level, edge, target, target_level, target_edge
    kind: average|integral|min|max   signal, from, to
    kind: energy               source (a voltage source): energy it delivers, -integral v*i dt
  output:
    waveforms: [v(out), i(vin)]  signals written to waveforms.csv

  xnor_row:                    2T2J XNOR rows of seed 001 (instead of circuit/analysis/measure):
    sizes: [16, 64]            row sizes N; V_SL is simulated for every N1 = 0..N
    samples: 1                 random weight/input vectors per (N, N1)
    v_bl: 0.3   v_wl: 0.7      bitline and wordline voltages
    access_width: 4            access NMOS width in multiples of the card's minimum (length: access_length)
    driver: transmission_gate  bitline drivers (or ideal); driver_width: 16
    c_sl: 50f                  source-line capacitance
    cmos: cmos65               cmos65 | cmos45;   mtj: stt_bnn_table1 | dmtj_smtj_table1
    single_bitcell: true       also the N = 1 cell of seed 001 Fig. 3
    read_current_limit: 50u    warn when an MTJ read current exceeds it (seed 001 Table I)

  network:                     BNN on STT-BNN sub-arrays (seed 001 Secs. V-VI), instead of circuit:
    dataset: digits            digits (built in; digits_csv: FILE) | mnist, then
    mnist:                     IDX files (paths relative to the study file), checked by `check`:
      train_images: F          magic 0x00000803, count, rows, cols, then count*rows*cols bytes
      train_labels: F          magic 0x00000801, count, then count labels 0..9
      test_images: F           same image size as the training images
      test_labels: F
    model: FILE                evaluate this BNN (bnn_model.hpp text format, e.g. models/bnn_N64.txt
                               of a run) instead of training: its K must match the data (64 for
                               digits, rows*cols for mnist), its last J the 10 classes, its
                               partition 1..N of every array; hidden then comes from the file
    hidden: [1024, 1024]       hidden layer widths; epochs (20), batch_size (16), learning_rate
    max_train: 0  max_test: 0  limit the samples (0 = all)
    float_reference: true      also train a float MLP of the same shape
    repeats: 10                injection seeds per configuration; compare_flat_aer: true
    access_time: 10n           array access time (TOPS/W); threads: 0 (all cores)
    arrays:                    list of {n, m (0 = square), label, boost, access_width,
                               crer: FILE.csv (from a sweep; none = ideal),
                               energy_per_accumulation}
)" + monte_carlo_reference() +
           R"(
)" + crossbar_study_reference() +
           R"(
Signals are v(NODE) for node voltages and i(VSOURCE) for voltage-source branch currents.
)";
}

} // namespace spincim::config
