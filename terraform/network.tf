# Public subnets without a NAT gateway (which would cost more than the harvests): tasks get a
# public address for egress to the X API and AWS, and the security group allows no inbound traffic.
# Every zone of the region, in AWS's order, unfiltered: filtered by state, a zone that became
# unavailable would drop out of the list and move the subnets on the next apply.
data "aws_availability_zones" "available" {}

resource "aws_vpc" "tasks" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.deployment}-harvests" }
}

resource "aws_internet_gateway" "tasks" {
  vpc_id = aws_vpc.tasks.id
}

resource "aws_subnet" "tasks" {
  count                   = 2
  vpc_id                  = aws_vpc.tasks.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = false
  tags                    = { Name = "${var.deployment}-harvests-${count.index}" }
}

resource "aws_route_table" "tasks" {
  vpc_id = aws_vpc.tasks.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.tasks.id
  }
}

resource "aws_route_table_association" "tasks" {
  count          = 2
  subnet_id      = aws_subnet.tasks[count.index].id
  route_table_id = aws_route_table.tasks.id
}

# No ingress rule: the stop protocol reaches a task through the archive (stop_request.json).
resource "aws_security_group" "tasks" {
  name        = "${var.deployment}-harvests"
  description = "Harvester tasks: outbound HTTPS only, nothing inbound"
  vpc_id      = aws_vpc.tasks.id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to the X API and AWS"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# The VPC's default security group, which nothing here uses, allows nothing either.
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.tasks.id
}
