#include "lockorder/report/dot_writer.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <sstream>

namespace lockorder::report {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, GraphPicture::Node,
                                    GraphPicture::Arc>;

}  // namespace

std::string render_dot(const GraphPicture& picture, const std::string& title) {
  Graph graph(picture.nodes.size());
  for (std::size_t i = 0; i < picture.nodes.size(); ++i) graph[i] = picture.nodes[i];
  for (const GraphPicture::Arc& arc : picture.arcs) boost::add_edge(arc.from, arc.to, arc, graph);

  auto node_writer = [&graph](std::ostream& out, Graph::vertex_descriptor v) {
    const GraphPicture::Node& node = graph[v];
    out << "[label=" << quoted(node.label)
        << (node.in_cycle ? ", color=red, fontcolor=red, penwidth=2" : "") << "]";
  };
  auto arc_writer = [&graph](std::ostream& out, Graph::edge_descriptor e) {
    const GraphPicture::Arc& arc = graph[e];
    if (arc.in_cycle)
      out << "[color=red, penwidth=2]";
    else if (arc.suppressed)
      out << "[style=dashed, color=gray40]";
  };
  auto graph_writer = [&title](std::ostream& out) {
    out << "label=" << quoted(title) << ";\nlabelloc=t;\nrankdir=LR;\n"
        << "node [shape=box, style=rounded, fontname=\"monospace\"];\n";
  };
  std::ostringstream out;
  boost::write_graphviz(out, graph, node_writer, arc_writer, graph_writer);
  return out.str();
}

}  // namespace lockorder::report
