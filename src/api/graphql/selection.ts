import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';

/**
 * The names of the fields a query asks of what the resolving field answers (of each item, for
 * a list), under every alias and through fragments. A field under `@skip` or `@include` counts
 * whether or not it is taken: a resolver that reads what these fields need reads enough.
 */
export function askedFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (selections: readonly SelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet.selections);
      } else {
        // Validation has refused unknown fragments and cycles of them.
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet.selections);
      }
    }
  };
  for (const node of info.fieldNodes) {
    if (node.selectionSet) visit(node.selectionSet.selections);
  }
  return names;
}
