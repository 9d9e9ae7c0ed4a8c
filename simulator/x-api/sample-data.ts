/*
 * Values the fake's posts and profiles draw from, as X's look: the sites links point to, profile
 * locations in several scripts, and context annotations with X's own domain and entity ids.
 */

export const SITES = ['example.org', 'news.example.com', 'data.example.net', 'blog.example.edu', 'www.example.info'];
export const PLACES = [
  'Maryland, USA',
  'Berlin',
  'São Paulo, Brasil',
  'Lagos, Nigeria',
  'Tokyo',
  'القاهرة',
  '',
  'Melbourne, Victoria',
  'Montréal',
];
export const ANNOTATIONS = [
  {
    domain: { id: '131', name: 'Unified Twitter Taxonomy', description: 'A taxonomy of user interests.' },
    entity: { id: '847888632711061504', name: 'Climate change' },
  },
  {
    domain: {
      id: '66',
      name: 'Interests and Hobbies Category',
      description: 'A grouping of interests and hobbies entities, like Novelty Food or Destinations',
    },
    entity: { id: '847528391163092993', name: 'Science' },
  },
  {
    domain: {
      id: '30',
      name: 'Entities [Entity Service]',
      description: 'Entity Service top level domain, every item that is in Entity Service should be in this domain',
    },
    entity: { id: '781974596148793345', name: 'Business & finance' },
  },
  {
    domain: { id: '46', name: 'Business Taxonomy', description: 'Categories within Brand Verticals that narrow down the scope of Brands' },
    entity: { id: '1557696848252391426', name: 'Financial Services Business' },
  },
  {
    domain: {
      id: '65',
      name: 'Interests and Hobbies Vertical',
      description: 'Top level interests and hobbies groupings, like Food or Travel',
    },
    entity: { id: '848920371311001600', name: 'Technology' },
  },
  {
    domain: { id: '35', name: 'Politician', description: 'Politicians in the world, like Joe Biden' },
    entity: { id: '1121888589498355712', name: 'A member of parliament' },
  },
];
