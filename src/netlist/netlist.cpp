#include "spincim/netlist/netlist.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <system_error>
#include <unordered_set>

#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

#include "card.hpp"

namespace spincim::netlist {

namespace fs = std::filesystem;

const std::vector<std::string_view>& model_types() {
    // ngspice manual 2.5 ".model": the device types spincim's elements use.
    static const std::vector<std::string_view> kTypes{"nmos", "pmos", "r",   "c",   "l",
                                                      "d",    "sw",   "csw", "npn", "pnp"};
    return kTypes;
}

namespace {

// `name=value` where name is a parameter (params) or a model parameter (anything identifier-like).
void check_param(const Param& p, const std::string& what, bool model_param = false) {
    if (model_param)
        check_identifier(p.name, what);
    else
        check_param_name(p.name, what);
    if (!std::isfinite(p.value))
        throw InputError(what + " '" + p.name + "': the value must be a finite number");
}

} // namespace

// ---- Scope ----------------------------------------------------------------------------------

const Element* Scope::find(std::string_view name) const {
    const auto it = index_.find(to_lower(name));
    return it == index_.end() ? nullptr : &elements_[it->second];
}

std::size_t Scope::count(ElementKind kind) const {
    return static_cast<std::size_t>(std::count_if(
        elements_.begin(), elements_.end(), [&](const Element& e) { return kind_of(e) == kind; }));
}

std::size_t Scope::count_instances(std::string_view subckt) const {
    return static_cast<std::size_t>(
        std::count_if(elements_.begin(), elements_.end(), [&](const Element& e) {
            const auto* x = std::get_if<SubcktInstance>(&e);
            return x && iequals(x->subckt, subckt);
        }));
}

void Scope::add_element(Element element) {
    detail::check_element(element);
    if (const Element* other = find(name_of(element)))
        throw InputError("element '" + spice_name(element) + "': the name " +
                         quote(name_of(element)) + " is already used by element '" +
                         spice_name(*other) + "' in " + description_ +
                         " (SPICE names are case-insensitive; spincim keeps names unique across "
                         "element kinds)");
    index_.emplace(to_lower(name_of(element)), elements_.size());
    elements_.push_back(std::move(element));
}

void Scope::replace_element(std::size_t index, Element element) {
    if (index >= elements_.size())
        throw InputError("element index " + std::to_string(index) + " is out of range in " +
                         description_ + " (" + std::to_string(elements_.size()) + " elements)");
    if (!iequals(name_of(element), name_of(elements_[index])))
        throw InputError("element '" + spice_name(element) + "' cannot replace element '" +
                         spice_name(elements_[index]) + "' in " + description_ +
                         ": a replacement keeps the name");
    detail::check_element(element);
    elements_[index] = std::move(element);
}

// ---- Subckt ---------------------------------------------------------------------------------

Subckt::Subckt(std::string name, std::vector<Node> ports, std::vector<Param> params)
    : Scope("subcircuit '" + name + "'"), name_(std::move(name)), ports_(std::move(ports)),
      params_(std::move(params)) {
    check_identifier(name_, "subcircuit name");
    const std::string label = "subcircuit '" + name_ + "'";
    if (ports_.empty())
        throw InputError(label + ": a subcircuit needs at least one port");
    for (std::size_t k = 0; k < ports_.size(); ++k) {
        const std::string field = label + " port " + std::to_string(k + 1);
        if (ports_[k].is_ground())
            throw InputError(field + ": ground is global inside subcircuits and cannot be a port");
        if (auto why = ports_[k].problem(); !why.empty())
            throw InputError(field + " " + quote(ports_[k].name()) + ": " + why);
        for (std::size_t j = 0; j < k; ++j)
            if (ports_[j] == ports_[k])
                throw InputError(field + " " + quote(ports_[k].name()) +
                                 ": the same node is already port " + std::to_string(j + 1));
    }
    for (std::size_t k = 0; k < params_.size(); ++k) {
        check_param(params_[k], label + " parameter");
        for (std::size_t j = 0; j < k; ++j)
            if (iequals(params_[j].name, params_[k].name))
                throw InputError(label + " parameter '" + params_[k].name + "' is given twice");
    }
}

// ---- Netlist: building ----------------------------------------------------------------------

Netlist::Netlist(std::string title) : Scope("the top level"), title_(std::move(title)) {}

Netlist& Netlist::set_title(std::string title) {
    title_ = std::move(title);
    return *this;
}

std::string Netlist::sanitized_title() const {
    // The first line of a SPICE deck is always the title (manual 2.1.1), but a title that could
    // read as a card if the first line were lost is refused anyway: no `.`, `*`, `+`-led text,
    // no control characters, only the listed punctuation.
    static constexpr std::string_view kPunct = " _-+=.,:()/";
    std::string out;
    for (unsigned char c : title_) {
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        char w = alnum || kPunct.find(static_cast<char>(c)) != std::string_view::npos
                     ? static_cast<char>(c)
                     : (c == '\n' || c == '\r' || c == '\t' ? ' ' : '_');
        if (out.empty() && !alnum)
            continue; // start with a letter or digit
        if (w == ' ' && !out.empty() && out.back() == ' ')
            continue;
        out += w;
    }
    if (out.size() > kMaxTitleLength)
        out.resize(kMaxTitleLength);
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out.empty() ? "spincim netlist" : out;
}

Netlist& Netlist::add_subckt(Subckt subckt) {
    if (find_subckt(subckt.name()))
        throw InputError("subcircuit '" + subckt.name() +
                         "' is defined twice (SPICE names are case-insensitive)");
    subckts_.push_back(std::move(subckt));
    return *this;
}

const Subckt* Netlist::find_subckt(std::string_view name) const {
    for (const auto& s : subckts_)
        if (iequals(s.name(), name))
            return &s;
    return nullptr;
}

Netlist& Netlist::add_param(std::string name, double value) {
    Param p{std::move(name), value};
    check_param(p, ".param");
    for (const auto& q : params_)
        if (iequals(q.name, p.name))
            throw InputError(".param '" + p.name + "' is defined twice");
    params_.push_back(std::move(p));
    return *this;
}

Netlist& Netlist::add_model(ModelCard model) {
    check_identifier(model.name, ".model name");
    const std::string label = ".model '" + model.name + "'";
    const auto& types = model_types();
    const auto type = std::find_if(types.begin(), types.end(),
                                   [&](std::string_view t) { return iequals(t, model.type); });
    if (type == types.end()) {
        std::string known;
        for (const auto t : types)
            known += (known.empty() ? "" : " ") + std::string(t);
        throw InputError(label + " type " + quote(model.type) +
                         ": unknown model type (known: " + known + ")");
    }
    model.type = std::string(*type);
    for (std::size_t k = 0; k < model.params.size(); ++k) {
        check_param(model.params[k], label + " parameter", true);
        for (std::size_t j = 0; j < k; ++j)
            if (iequals(model.params[j].name, model.params[k].name))
                throw InputError(label + " parameter '" + model.params[k].name +
                                 "' is given twice");
    }
    for (const auto& m : models_)
        if (iequals(m.name, model.name))
            throw InputError(label + " is defined twice");
    models_.push_back(std::move(model));
    return *this;
}

Netlist& Netlist::add_include(const fs::path& models_root, const fs::path& file) {
    const std::string label = ".include " + quote(file.string());
    if (file.empty())
        throw InputError(".include: empty path");
    for (const auto& part : file)
        if (part == "..")
            throw InputError(label + ": '..' is not allowed in an include path");
    std::error_code ec;
    const fs::path root = fs::canonical(models_root, ec);
    if (ec || !fs::is_directory(root))
        throw InputError(label + ": the models folder " + quote(models_root.string()) +
                         " does not exist");
    const fs::path candidate = file.is_absolute() ? file : models_root / file;
    const fs::path real = fs::canonical(candidate, ec);
    if (ec)
        throw InputError(label + ": no such file in the models folder " + quote(root.string()));
    // canonical() has resolved every symlink, so containment is checked on the real location.
    const fs::path rel = real.lexically_relative(root);
    if (rel.empty() || *rel.begin() == ".." || rel == ".")
        throw InputError(label + ": resolves to " + quote(real.string()) +
                         ", outside the models folder " + quote(root.string()));
    if (!fs::is_regular_file(real))
        throw InputError(label + ": " + quote(real.string()) + " is not a regular file");
    const std::string text = real.string();
    for (unsigned char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' || c == '+' ||
                        c == '-';
        if (!ok)
            throw InputError(label + ": the path " + quote(text) +
                             " contains a character ngspice cannot read unquoted (allowed: "
                             "[A-Za-z0-9_./+-])");
    }
    // Inside the models folder, no hidden files and no names that read like options or cards.
    for (const auto& part : rel) {
        const char first = part.string().front();
        if (first == '.' || first == '+' || first == '-')
            throw InputError(label + ": the file or folder name " + quote(part.string()) +
                             " may not start with '.', '+' or '-'");
    }
    // An included file is read as netlist text, and a `.control` block in it runs at load time
    // (shared/NGSPICE.md, "Hazards"): model files must not contain one.
    std::ifstream in(real);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const auto start = line.find_first_not_of(" \t");
        const std::string head =
            start == std::string::npos ? std::string() : to_lower(line.substr(start, 6));
        if (head.starts_with(".contr") || head.starts_with(".endc"))
            throw InputError(label + ": line " + std::to_string(number) +
                             " of the file opens or closes a .control block, which model files "
                             "may not contain");
    }
    if (std::find(includes_.begin(), includes_.end(), real) == includes_.end())
        includes_.push_back(real);
    return *this;
}

Netlist& Netlist::add_analysis(Analysis analysis) {
    check_analysis(analysis);
    analyses_.push_back(std::move(analysis));
    return *this;
}

Netlist& Netlist::set_option(std::string_view key, double value) {
    options_[check_option(key, value)] = value;
    return *this;
}

Netlist& Netlist::set_method(IntegrationMethod method) {
    method_ = method;
    return *this;
}

Netlist& Netlist::save(Probe probe) {
    if (saved_.insert(probe.spice()).second)
        saves_.push_back(std::move(probe));
    return *this;
}

Netlist& Netlist::add_probe(std::string name, Probe probe) {
    check_identifier(name, "probe name");
    const std::string key = to_lower(name);
    if (probes_.count(key))
        throw InputError("probe name '" + name + "' is used twice (names are case-insensitive)");
    probes_.emplace(key, std::move(probe));
    return *this;
}

Netlist& Netlist::save_probes() {
    for (const auto& [name, probe] : probes_)
        save(probe);
    return *this;
}

const Probe& Netlist::probe(std::string_view name) const {
    const auto it = probes_.find(to_lower(name));
    if (it == probes_.end())
        throw InputError("no probe named " + quote(name));
    return it->second;
}

// ---- Netlist: cross checks ------------------------------------------------------------------

namespace {

bool has_param(const std::vector<Param>& params, std::string_view name) {
    return std::any_of(params.begin(), params.end(),
                       [&](const Param& p) { return iequals(p.name, name); });
}

// Lower-case names of every node the scope's elements connect to.
std::unordered_set<std::string> node_names(const Scope& scope) {
    std::unordered_set<std::string> out;
    for (const auto& e : scope.elements())
        for (const auto& n : nodes_of(e))
            out.insert(to_lower(n.name()));
    return out;
}

} // namespace

void Netlist::check() const {
    const bool has_includes = !includes_.empty();

    auto check_scope = [&](const Scope& scope, const std::vector<Param>* local,
                           const std::string& where) {
        for (const auto& element : scope.elements()) {
            const std::string label = "element '" + spice_name(element) + "'";
            for (const Expr* expr : detail::expressions_of(element)) {
                for (const auto& p : expr->params())
                    if (!has_param(params_, p) && !(local && has_param(*local, p)))
                        throw InputError(label + ": parameter '" + p + "' is not defined (no " +
                                         (local ? "subcircuit parameter or " : "") +
                                         ".param of that name)");
                for (const auto& v : expr->currents()) {
                    const Element* src = scope.find(v);
                    if (!src || kind_of(*src) != ElementKind::voltage_source)
                        throw InputError(label + ": I(V" + v + ") refers to no voltage source '" +
                                         v + "' in " + where);
                }
            }
            // Models: defined here, or possibly in an included file.
            auto check_model = [&](const std::string& model,
                                   std::initializer_list<std::string_view> types) {
                const auto it = std::find_if(models_.begin(), models_.end(),
                                             [&](const auto& m) { return iequals(m.name, model); });
                if (it == models_.end()) {
                    if (!has_includes)
                        throw InputError(label + " model '" + model +
                                         "': no .model of that name (and no .include that "
                                         "could define it)");
                    return;
                }
                if (std::find(types.begin(), types.end(), it->type) == types.end())
                    throw InputError(label + " model '" + model + "': is a '" + it->type +
                                     "' model, which this element cannot use");
            };
            if (const auto* m = std::get_if<Mosfet>(&element))
                check_model(m->model, {"nmos", "pmos"});
            if (const auto* d = std::get_if<Diode>(&element))
                check_model(d->model, {"d"});
            if (const auto* s = std::get_if<Switch>(&element))
                check_model(s->model, {"sw"});
            if (const auto* x = std::get_if<SubcktInstance>(&element)) {
                const Subckt* def = find_subckt(x->subckt);
                if (!def) {
                    if (!has_includes)
                        throw InputError(label + " subcircuit '" + x->subckt +
                                         "': not defined (no .subckt of that name and no "
                                         ".include that could define it)");
                    continue;
                }
                if (x->nodes.size() != def->ports().size())
                    throw InputError(label + ": subcircuit '" + def->name() + "' has " +
                                     std::to_string(def->ports().size()) + " ports but " +
                                     std::to_string(x->nodes.size()) + " nodes are given");
                for (const auto& p : x->params)
                    if (!has_param(def->params(), p.name))
                        throw InputError(label + " parameter '" + p.name + "': subcircuit '" +
                                         def->name() + "' has no such parameter");
            }
        }
    };
    check_scope(*this, nullptr, "the top level");
    for (const auto& s : subckts_)
        check_scope(s, &s.params(), "subcircuit '" + s.name() + "'");

    // A subcircuit that instantiates itself, directly or through others, never finishes
    // expanding: refuse cycles among the subcircuits defined here.
    std::set<std::string> done;
    std::vector<std::string> stack;
    std::function<void(const Subckt&)> visit = [&](const Subckt& s) {
        const std::string key = to_lower(s.name());
        if (done.count(key))
            return;
        if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
            std::string cycle;
            for (const auto& n : stack)
                cycle += n + " -> ";
            throw InputError("subcircuit '" + s.name() + "' instantiates itself: " + cycle + key);
        }
        stack.push_back(key);
        for (const auto& e : s.elements())
            if (const auto* x = std::get_if<SubcktInstance>(&e))
                if (const Subckt* def = find_subckt(x->subckt))
                    visit(*def);
        stack.pop_back();
        done.insert(key);
    };
    for (const auto& s : subckts_)
        visit(s);

    for (const auto& a : analyses_)
        if (const auto* dc = std::get_if<DcAnalysis>(&a)) {
            const Element* src = find(dc->source);
            if (!src || (kind_of(*src) != ElementKind::voltage_source &&
                         kind_of(*src) != ElementKind::current_source))
                throw InputError(".dc: source '" + dc->source +
                                 "' is not a voltage or current source of the top level");
        }

    // Top-level probes must point at something that exists.
    std::optional<std::unordered_set<std::string>> top_nodes;
    auto check_probe = [&](const Probe& p, const std::string& what) {
        if (!p.path().empty())
            return;
        if (p.kind() == Probe::Kind::voltage && !top_nodes)
            top_nodes = node_names(*this);
        if (p.kind() == Probe::Kind::voltage && !top_nodes->count(to_lower(p.target())))
            throw InputError(what + " " + p.spice() + ": no element is connected to node '" +
                             p.target() + "'");
        if (p.kind() != Probe::Kind::voltage && !find(p.target()))
            throw InputError(what + " " + p.spice() + ": no element named '" + p.target() + "'");
    };
    for (const auto& p : saves_)
        check_probe(p, ".save");
    for (const auto& [name, p] : probes_)
        check_probe(p, "probe '" + name + "'");
}

// ---- Netlist: writer ------------------------------------------------------------------------

namespace {

// Last line of defence: whatever bug might let a bad string through, the text handed to ngspice
// may not contain a comment or quote character, a control block or a shell command.
void assert_safe(const std::string& text) {
    static constexpr std::string_view kAllowed = " _.+-*/^<>=!?:(),{}[]@&|";
    std::size_t line_no = 0;
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t end = text.find('\n', begin);
        const std::string_view line(text.data() + begin,
                                    (end == std::string::npos ? text.size() : end) - begin);
        for (char c : line) {
            const bool alnum =
                (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && kAllowed.find(c) == std::string_view::npos)
                throw Error("netlist writer: refusing to emit character " +
                            quote(std::string_view(&c, 1)) + " on line " +
                            std::to_string(line_no + 1) + " (internal error)");
        }
        const std::string head = to_lower(line.substr(0, 8));
        if (head.starts_with(".control") || head.starts_with(".endc") ||
            head.starts_with("shell") || (line_no > 0 && line.empty()))
            throw Error("netlist writer: refusing to emit line " + std::to_string(line_no + 1) +
                        " (internal error)");
        if (line_no > 0 && line.front() != '.' && line.front() != '+' &&
            !((line.front() >= 'A' && line.front() <= 'Z')))
            throw Error("netlist writer: line " + std::to_string(line_no + 1) +
                        " does not start with a card letter (internal error)");
        ++line_no;
        begin = end == std::string::npos ? text.size() : end + 1;
    }
}

} // namespace

std::string Netlist::to_spice() const {
    check();
    std::string out = sanitized_title() + "\n";
    for (const auto& inc : includes_)
        out += ".include " + inc.string() + "\n";
    for (const auto& p : params_)
        out += ".param " + p.name + "=" + units::to_spice(p.value) + "\n";
    for (const auto& m : models_) {
        detail::Card card(".model");
        card.word(m.name).word(m.type);
        for (const auto& p : m.params)
            card.word(p.name + "=" + units::to_spice(p.value));
        out += card.text();
    }
    for (const auto& s : subckts_) {
        detail::Card card(".subckt");
        card.word(s.name());
        for (const auto& p : s.ports())
            card.word(p.name());
        if (!s.params().empty()) {
            card.word("params:");
            for (const auto& p : s.params())
                card.word(p.name + "=" + units::to_spice(p.value));
        }
        out += card.text();
        for (const auto& e : s.elements())
            out += detail::element_card(e).text();
        out += ".ends " + s.name() + "\n";
    }
    for (const auto& e : elements())
        out += detail::element_card(e).text();
    if (!options_.empty() || method_) {
        detail::Card card(".options");
        for (const auto& [key, value] : options_)
            card.word(key + "=" + units::to_spice(value));
        if (method_)
            card.word(*method_ == IntegrationMethod::gear ? "method=gear" : "method=trap");
        out += card.text();
    }
    for (const auto& a : analyses_) {
        if (std::holds_alternative<OpAnalysis>(a)) {
            out += ".op\n";
        } else if (const auto* dc = std::get_if<DcAnalysis>(&a)) {
            out += ".dc " + spice_name(*find(dc->source)) + " " + units::to_spice(dc->start) + " " +
                   units::to_spice(dc->stop) + " " + units::to_spice(dc->step) + "\n";
        } else if (const auto* tran = std::get_if<TranAnalysis>(&a)) {
            out += ".tran " + units::to_spice(tran->step) + " " + units::to_spice(tran->stop);
            if (tran->start || tran->max_step)
                out += " " + units::to_spice(tran->start.value_or(0.0));
            if (tran->max_step)
                out += " " + units::to_spice(*tran->max_step);
            if (tran->uic)
                out += " uic";
            out += "\n";
        }
    }
    if (!saves_.empty()) {
        detail::Card card(".save");
        for (const auto& p : saves_)
            card.word(p.spice());
        out += card.text();
    }
    out += ".end\n";
    assert_safe(out);
    return out;
}

} // namespace spincim::netlist
