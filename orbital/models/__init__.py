"""The models room: what flies and how it is steered, over the forces and integrators below: the
tether, the spacewalker's relative dynamics with SAFER, the arm's kinematics, the Soyuz's entry
guidance and parachutes. It imports the shared schema types, propagation, dynamics, the Earth
room and the contracts; never a kind, io or the CLI."""
