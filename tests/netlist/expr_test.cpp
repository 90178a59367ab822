// Expression trees and the strict expression parser. Expected texts follow ngspice's operator
// precedence (manual 2.8.5); evaluation in ngspice itself is checked in golden_test.cpp.

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/netlist/expr.hpp"

using Catch::Matchers::Contains;
using namespace spincim::netlist;
using spincim::InputError;

TEST_CASE("builder prints minimal, unambiguous parentheses") {
    const Expr a = Expr::param("a");
    const Expr b = Expr::param("b");
    const Expr c = Expr::param("c");
    CHECK((a + b * c).str() == "a+b*c");
    CHECK(((a + b) * c).str() == "(a+b)*c");
    CHECK((a - (b - c)).str() == "a-(b-c)");
    CHECK(((a - b) - c).str() == "a-b-c");
    CHECK((a / (b * c)).str() == "a/(b*c)");
    CHECK((-a).str() == "-a");
    CHECK((-(a * b)).str() == "-(a*b)");
    CHECK(pow(a, b).str() == "a^b");
    CHECK(pow(-a, b).str() == "(-a)^b");
    CHECK((-pow(a, b)).str() == "-(a^b)");
    CHECK(pow(a + b, 2.0).str() == "(a+b)^2");
    CHECK((a + Expr(-1.5)).str() == "a+(-1.5)");
    CHECK(Expr(-1.5).str() == "-1.5");
    CHECK((-Expr(2.0)).str() == "-2");
    CHECK(lt(a, b).str() == "a<b");
    CHECK(logical_and(gt(a, 0.5), lt(a, 2.0)).str() == "a>0.5&&a<2");
    CHECK(logical_not(eq(a, b)).str() == "!(a==b)");
    CHECK(Expr::select(gt(a, b), a, -b).str() == "(a>b)?a:(-b)");
    CHECK(max(a, 2.0).str() == "max(a,2)");
    CHECK(Expr::call("POW", {a, 3.0}).str() == "pow(a,3)");
}

TEST_CASE("circuit quantities and built-in variables") {
    CHECK(Expr::v("out").str() == "V(out)");
    CHECK(Expr::v("p", "n").str() == "V(p,n)");
    CHECK(Expr::v("p", Node::ground()).str() == "V(p)");
    CHECK(Expr::v(Node::ground()).str() == "0");
    CHECK(Expr::i("sense").str() == "I(Vsense)");
    CHECK(Expr::time().str() == "time");
    CHECK((Expr::temper() + 273.15).str() == "temper+273.15");
    CHECK_FALSE(Expr::v("a").is_constant());
    CHECK_FALSE(Expr::i("s").is_constant());
    CHECK_FALSE((Expr::param("a") * Expr::time()).is_constant());
    CHECK_FALSE(Expr::call("u", {Expr::param("a")}).is_constant());
    CHECK((Expr::param("a") * 2.0 + exp(Expr::param("b"))).is_constant());
}

TEST_CASE("collectors list parameters, nodes and currents") {
    const Expr e = Expr::parse("RP*(1+V(a,b)/Vh)+I(s)+rp");
    CHECK(e.params() == std::vector<std::string>{"rp", "vh"});
    const auto nodes = e.nodes();
    REQUIRE(nodes.size() == 2);
    CHECK(nodes[0].name() == "a");
    CHECK(e.currents() == std::vector<std::string>{"s"});
}

TEST_CASE("parser: precedence and associativity as in ngspice") {
    CHECK(Expr::parse("1 + 2 * 3").str() == "1+2*3");
    CHECK(Expr::parse("(1 + 2) * 3").str() == "(1+2)*3");
    CHECK(Expr::parse("a - b - c").str() == "a-b-c");
    CHECK(Expr::parse("a - (b - c)").str() == "a-(b-c)");
    CHECK(Expr::parse("-a^2").str() == "-(a^2)");
    CHECK(Expr::parse("a^b^c").str() == "a^(b^c)");
    CHECK(Expr::parse("a**-2").str() == "a^(-2)");
    CHECK(Expr::parse("a < b == c > d").str() == "a<b==c>d");
    CHECK(Expr::parse("a || b && c").str() == "a||b&&c");
    CHECK(Expr::parse("a > 0 ? b : c ? d : e").str() == "(a>0)?b:(c?d:e)");
    CHECK(Expr::parse("+a").str() == "a");
    CHECK(Expr::parse("!a").str() == "!a");
    CHECK(Expr::parse("V(n1) * I(vs) + time").str() == "V(n1)*I(Vvs)+time");
    CHECK(Expr::parse("v(a, 0)").str() == "V(a)");
    CHECK(Expr::parse("EXP(x)+Tanh(y)").str() == "exp(x)+tanh(y)");
}

TEST_CASE("parser: numbers use spincim's strict engineering notation") {
    CHECK(Expr::parse("1.5n").str() == "1.5e-09");
    CHECK(Expr::parse("2k*x").str() == "2000*x");
    CHECK(Expr::parse("10meg").str() == "1e+07");
    CHECK(Expr::parse(".5").str() == "0.5");
    CHECK(Expr::parse("1e-3").str() == "0.001");
    CHECK_THROWS_WITH(Expr::parse("1k5"), Contains("suffix") && Contains("position 1"));
    CHECK_THROWS_WITH(Expr::parse("2*1M"), Contains("ambiguous"));
    CHECK_THROWS_WITH(Expr::parse("10uF"), Contains("suffix"));
}

TEST_CASE("parser: everything outside the grammar is rejected with its position") {
    CHECK_THROWS_WITH(Expr::parse("a;b"), Contains("';' is not allowed") && Contains("position 2"));
    CHECK_THROWS_WITH(Expr::parse("a\nb"), Contains("'\\x0a' is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("'a'"), Contains("is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("\"a\""), Contains("is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("{a}"), Contains("'{' is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("a.b"), Contains("'.' is not allowed"));
    CHECK_THROWS_WITH(Expr::parse(".control"), Contains("is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("a $ b"), Contains("'$' is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("a = b"), Contains("'=' is not allowed"));
    CHECK_THROWS_WITH(Expr::parse("shell(1)"), Contains("unknown function 'shell'"));
    CHECK_THROWS_WITH(Expr::parse("system(1)"), Contains("unknown function"));
    CHECK_THROWS_WITH(Expr::parse("exp(1,2)"), Contains("takes 1 argument, not 2"));
    CHECK_THROWS_WITH(Expr::parse("max(1)"), Contains("takes 2 arguments, not 1"));
    CHECK_THROWS_WITH(Expr::parse("(a"), Contains("expected ')'"));
    CHECK_THROWS_WITH(Expr::parse("a b"), Contains("unexpected 'b' at position 3"));
    CHECK_THROWS_WITH(Expr::parse(""), Contains("expected a number"));
    CHECK_THROWS_WITH(Expr::parse("V(gnd)"), Contains("ground"));
    CHECK_THROWS_WITH(Expr::parse("V(a,b,c)"), Contains("expected ')'"));
    CHECK_THROWS_WITH(Expr::parse("I(1)"), Contains("expected a voltage source name"));
    CHECK_THROWS_WITH(Expr::parse("x\xc3\xa9"), Contains("'\\xc3' is not allowed"));
    CHECK_THROWS_WITH(Expr::parse(std::string(1001, 'a')), Contains("at most 1000"));
    CHECK_THROWS_WITH(Expr::parse(std::string(300, '(') + "1" + std::string(300, ')')),
                      Contains("nested too deeply"));
}

TEST_CASE("parse(str()) reproduces the expression") {
    const char* texts[] = {"V(a)*2^3-1", "(V(a)>0.5)&&(V(a)<2)?g:-g", "-(x^2)+min(a,b)/max(c,d)",
                           "pow(a,b)+sqrt(abs(x))*exp(-t/tau)", "!(a!=b)||a>=b&&a<=c"};
    for (const char* t : texts) {
        const std::string once = Expr::parse(t).str();
        CHECK(Expr::parse(once).str() == once);
    }
}

TEST_CASE("builder refuses bad names and arities") {
    CHECK_THROWS_WITH(Expr::param("a b"), Contains("expression parameter 'a b'"));
    CHECK_THROWS_WITH(Expr::param("time"), Contains("reserved"));
    CHECK_THROWS_WITH(Expr::v("0"), Contains("ground"));
    CHECK_THROWS_WITH(Expr::i("V;x"), Contains("';'"));
    CHECK_THROWS_WITH(Expr::call("fopen", {}), Contains("unknown function"));
    CHECK_THROWS_AS(Expr(std::numeric_limits<double>::infinity()), InputError);
}

TEST_CASE("Value prints numbers plainly and expressions in braces") {
    CHECK(Value(1e-9).str() == "1e-09");
    CHECK(Value(3).str() == "3");
    CHECK(Value(Expr::param("w") * 2.0).str() == "{w*2}");
    CHECK(Value(Expr(4.0)).is_number());
}
