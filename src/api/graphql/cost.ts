import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface CostOptions {
  maxCost: number;
  /** Items a list is counted as when nothing better is known of it. */
  listSize: number;
  /** Items some lists are counted as, by `Type.field`: pages Gantry cuts, for instance. */
  listSizes?: Record<string, number>;
  /** What one field costs beyond 1, by `Type.field`: those that read much or page storage. */
  fieldCosts?: Record<string, number>;
}

/**
 * Refuses an operation whose estimated cost exceeds `maxCost` before anything runs. Unlike a
 * count of fields, the estimate multiplies what is asked of each item of a list by the list's
 * size, so `stacks { runs { logs } }` costs what answering it costs. Introspection is free.
 */
export function listCostRule(options: CostOptions): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }

    // A fragment's cost is worked out once and scaled where it is used: fragments that spread
    // others twice over would otherwise cost the walk itself exponential time.
    const fragmentCosts = new Map<string, number>();
    const fragmentCost = (name: string, visiting: Set<string>): number => {
      const known = fragmentCosts.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      // A cycle is refused by graphql's own rules; here it only must not loop.
      if (!fragment || visiting.has(name)) return 0;
      const condition = context.getSchema().getType(fragment.typeCondition.name.value);
      if (!condition || !isCompositeType(condition)) return 0;
      visiting.add(name);
      const cost = costOf(fragment.selectionSet, condition, 1, visiting);
      visiting.delete(name);
      fragmentCosts.set(name, cost);
      return cost;
    };

    const costOf = (
      selections: SelectionSetNode,
      parent: GraphQLCompositeType,
      multiplier: number,
      visiting: Set<string>,
    ): number => {
      let cost = 0;
      for (const selection of selections.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          if (name.startsWith('__')) continue;
          if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
          const field = parent.getFields()[name];
          if (!field) continue;
          const key = `${parent.name}.${name}`;
          cost += multiplier * (1 + (options.fieldCosts?.[key] ?? 0));
          const named = getNamedType(field.type);
          if (selection.selectionSet && isCompositeType(named)) {
            const size = isListType(getNullableType(field.type))
              ? (options.listSizes?.[key] ?? options.listSize)
              : 1;
            cost += costOf(selection.selectionSet, named, multiplier * size, visiting);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition
            ? context.getSchema().getType(selection.typeCondition.name.value)
            : parent;
          if (condition && isCompositeType(condition)) {
            cost += costOf(selection.selectionSet, condition, multiplier, visiting);
          }
        } else {
          cost += multiplier * fragmentCost(selection.name.value, visiting);
        }
      }
      return cost;
    };

    return {
      OperationDefinition(operation) {
        const root = context.getSchema().getRootType(operation.operation);
        if (!root) return;
        const cost = costOf(operation.selectionSet, root, 1, new Set());
        if (cost > options.maxCost) {
          context.reportError(
            new GraphQLError(
              `this operation would cost about ${Math.round(cost)}, more than the ${options.maxCost} one request may; ` +
                `each list counts as ${options.listSize} items (runs as a page of 50), so ask for fewer fields ` +
                'inside lists, or for one stack or run at a time',
              { nodes: [operation] },
            ),
          );
        }
      },
    };
  };
}
