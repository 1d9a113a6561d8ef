# Members of the engineering group may read the stack (see it, its runs and their logs) without
# being on its readers team. Writing stays with the stack's writers team.
package spacelift

read if "engineering" in input.session.teams
